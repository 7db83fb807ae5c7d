"""What a live-notes update may contain, checked before it is stored or relayed.

A stored update is replayed to every joiner and rendered into the meeting page and the minutes
for as long as the meeting exists. One update with a list as a format value (``header: [1]``)
made both answer 500 for everyone, for good. So the server reads every update's structure
(Yjs update format v1, as y-websocket and pycrdt write it) *without* applying it to a document,
which needs no database read per keystroke, and accepts only what the editor can produce:

- text (``ContentString``), deletions (``ContentDeleted``, ``GC``, ``Skip``) and formatting
  marks (``ContentFormat``) in the root text ``notes``;
- formats from ``FORMATS`` (the editor's toolbar, Quill's keyboard shortcuts for lists, and
  what the renderer knows), each with a scalar value of its own type, or ``null`` (Yjs writes
  ``null`` where a format ends or is removed). ``null`` is also accepted for another name of
  up to 64 characters: it sets no format, and the editor removes formats that notes stored
  before this check may carry (``dropUnknownFormats`` in the bundle), which can take one.

Embeds, nested types, maps, arrays, binary content, sub-documents, other roots, trailing bytes
and anything that does not decode are refused. The editor's Quill instance is restricted to the
same formats (``formats`` in ``frontend/src/live_notes.js``), so pasting cannot produce others.

``clean_attributes`` applies the same rules when rendering, so data stored before this check
(or written around it) can never break a page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

# The shared type the editor binds to (``ydoc.getText("notes")`` in the bundle).
TEXT_NAME = "notes"


def _is_true_or_false(value: Any) -> bool:
    return isinstance(value, bool)


def _is_header_level(value: Any) -> bool:
    # JSON has one number type: 2 and 2.0 are the same level (pycrdt reads numbers as floats).
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return float(value).is_integer() and 1 <= value <= 6


def _is_list_kind(value: Any) -> bool:
    # Quill 2: toolbar (ordered, bullet); "[ ] " and "[x] " at a line start (unchecked, checked).
    return isinstance(value, str) and value in ("ordered", "bullet", "checked", "unchecked")


# Format name -> test of a (non-null) value.
FORMATS: dict[str, Callable[[Any], bool]] = {
    "bold": _is_true_or_false,
    "italic": _is_true_or_false,
    "underline": _is_true_or_false,
    "strike": _is_true_or_false,
    "header": _is_header_level,
    "list": _is_list_kind,
}


MAX_FORMAT_NAME = 64


def format_is_allowed(key: str, value: Any) -> bool:
    if value is None:
        return len(key) <= MAX_FORMAT_NAME  # no format at all: removes one, sets nothing
    check = FORMATS.get(key)
    return check is not None and check(value)


def clean_attributes(attributes: Any) -> dict[str, Any]:
    """The known, well-formed formats of a text run; anything else is left out (never raises)."""
    if not isinstance(attributes, Mapping):
        return {}
    clean: dict[str, Any] = {}
    for key, value in attributes.items():
        if isinstance(key, str) and value is not None and format_is_allowed(key, value):
            clean[key] = int(value) if key == "header" else value
    return clean


class UpdateRefused(ValueError):
    """The update is not something the editor produces; ``str(error)`` says why (for logs)."""


# Content kinds of an Item (the low five bits of its info byte), Yjs' numbering.
_DELETED, _JSON, _BINARY, _STRING, _EMBED, _FORMAT, _TYPE, _ANY, _DOC = range(1, 10)
_GC, _SKIP = 0, 10
_BITS5, _HAS_PARENT_SUB, _HAS_RIGHT_ORIGIN, _HAS_ORIGIN = 31, 32, 64, 128
_REFUSED_CONTENT = {
    _JSON: "JSON content",
    _BINARY: "binary content",
    _EMBED: "an embed",
    _TYPE: "a nested type",
    _ANY: "map or array content",
    _DOC: "a sub-document",
}


class _Reader:
    """lib0 decoding, just what an update needs; every read is bounds-checked."""

    __slots__ = ("data", "end", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.end = len(data)

    def uint(self) -> int:
        num = 0
        shift = 0
        data = self.data
        while True:
            if self.pos >= self.end or shift > 63:
                raise UpdateRefused("truncated number")
            byte = data[self.pos]
            self.pos += 1
            num |= (byte & 127) << shift
            shift += 7
            if byte < 128:
                return num

    def byte(self) -> int:
        if self.pos >= self.end:
            raise UpdateRefused("truncated struct")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def string(self) -> str:
        length = self.uint()
        start = self.pos
        self.pos = start + length
        if self.pos > self.end:
            raise UpdateRefused("truncated string")
        try:
            return self.data[start : self.pos].decode("utf-8")
        except UnicodeDecodeError as error:
            raise UpdateRefused("text is not UTF-8") from error

    def json(self) -> Any:
        try:
            return json.loads(self.string())
        except (ValueError, RecursionError) as error:
            raise UpdateRefused("format value is not JSON") from error


def check_update(update: bytes) -> None:
    """Raise ``UpdateRefused`` unless ``update`` holds only text, deletions and known formats.

    Items that carry an origin inherit their parent from it (Yjs writes the parent only for an
    item without neighbours); those without must name the root text. As every stored item went
    through this check, the neighbours of a new item are in the root text too.
    """
    reader = _Reader(bytes(update))
    for _client in range(reader.uint()):
        structs = reader.uint()
        reader.uint()  # client id
        reader.uint()  # first clock
        for _struct in range(structs):
            info = reader.byte()
            kind = info & _BITS5
            if kind in (_GC, _SKIP):
                reader.uint()  # length
                continue
            if info & _HAS_ORIGIN:
                reader.uint(), reader.uint()
            if info & _HAS_RIGHT_ORIGIN:
                reader.uint(), reader.uint()
            if not info & (_HAS_ORIGIN | _HAS_RIGHT_ORIGIN):
                if reader.uint() != 1:
                    raise UpdateRefused("an item inside another type")
                if reader.string() != TEXT_NAME:
                    raise UpdateRefused("an item outside the notes text")
                if info & _HAS_PARENT_SUB:
                    raise UpdateRefused("a map entry")
            if kind == _STRING:
                reader.string()
            elif kind == _FORMAT:
                key = reader.string()
                if not format_is_allowed(key, reader.json()):
                    raise UpdateRefused(f"format {key[:40]!r} or its value is not allowed")
            elif kind == _DELETED:
                reader.uint()
            else:
                raise UpdateRefused(_REFUSED_CONTENT.get(kind, f"content kind {kind}"))
    for _client in range(reader.uint()):
        reader.uint()  # client id
        for _range in range(reader.uint()):
            reader.uint(), reader.uint()  # clock, length
    if reader.pos != reader.end:
        raise UpdateRefused("trailing bytes")
