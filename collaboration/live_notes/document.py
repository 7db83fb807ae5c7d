"""The Yjs document of a meeting, rebuilt from the database with pycrdt.

Nothing here keeps a document in memory between calls: the database is the single source of
truth, so any process can serve any client. Reads fetch the pending updates *before* the
snapshot; a compaction that commits in between then only yields duplicates, which Yjs ignores.

Reading never fails on what is stored: new updates are checked before they are stored
(``validation.check_update``), but rows from before that check, or written around it, are read
defensively: an update that does not decode is left out of a merge (and logged), and the
renderer keeps only known, well-formed formats (``validation.clean_attributes``).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable

from pycrdt import Doc, Text, get_state, get_update, merge_updates

from .models import NoteSnapshot, NoteUpdate
from .validation import TEXT_NAME, clean_attributes

__all__ = ["EMPTY_UPDATE", "TEXT_NAME"]

logger = logging.getLogger(__name__)

EMPTY_UPDATE = b"\x00\x00"


def merge(parts: Iterable[bytes]) -> bytes:
    parts = [p for p in parts if p and p != EMPTY_UPDATE]
    if not parts:
        return EMPTY_UPDATE
    if len(parts) == 1:
        return parts[0]
    try:
        return merge_updates(*parts)
    except ValueError:
        return _without_broken(parts)


def _without_broken(parts: list[bytes]) -> bytes:
    """The merge of the parts that decode: one broken stored row must not hide the others
    (or take the meeting page down)."""
    good = [part for part in parts if is_valid_update(part)]
    logger.error("Live notes: %s stored update(s) do not decode; left out", len(parts) - len(good))
    if not good:
        return EMPTY_UPDATE
    return good[0] if len(good) == 1 else merge_updates(*good)


def stored_update(meeting_id: int) -> bytes:
    """The whole document of ``meeting_id`` as one Yjs update (snapshot + pending updates)."""
    pending = [
        bytes(data)
        for data in NoteUpdate.objects.filter(meeting_id=meeting_id, snapshot__isnull=True)
        .order_by("id")
        .values_list("data", flat=True)
    ]
    snapshot = (
        NoteSnapshot.objects.filter(meeting_id=meeting_id)
        .order_by("-id")
        .values_list("state", flat=True)
        .first()
    )
    parts = ([bytes(snapshot)] if snapshot is not None else []) + pending
    merged = merge(parts)
    if len(parts) == 1:
        try:
            get_state(merged)  # decodes without building a document: cheap
        except ValueError:
            return _without_broken(parts)
    return merged


def state_vector(update: bytes) -> bytes:
    return get_state(update)


def missing_for(update: bytes, client_state_vector: bytes) -> bytes:
    """What a client with ``client_state_vector`` lacks from ``update`` (sync step 2)."""
    return get_update(update, client_state_vector)


def is_valid_update(update: bytes) -> bool:
    """Whether ``update`` decodes as a Yjs update (malformed bytes must not reach the log)."""
    try:
        Doc().apply_update(update)
    except Exception:
        return False
    return True


def _text_of(update: bytes) -> Text:
    doc = Doc()
    try:
        doc.apply_update(update)
    except ValueError:
        logger.error("Live notes: a document does not decode; shown as empty")
    return doc.get(TEXT_NAME, type=Text)


def plain_text(update: bytes) -> str:
    return str(_text_of(update))


# Quill's inline and line formats that the minutes keep; anything else is dropped.
_INLINE = (("bold", "strong"), ("italic", "em"), ("underline", "u"), ("strike", "s"))
_HEADERS = {1: "h2", 2: "h3", 3: "h4"}


def _inline_html(text: str, attrs: dict) -> str:
    out = html.escape(text)
    for key, tag in _INLINE:
        if attrs.get(key) is True:
            out = f"<{tag}>{out}</{tag}>"
    return out


def lines(update: bytes) -> list[tuple[str, dict]]:
    """The Quill document line by line: each line's escaped inline HTML (bold, italic,
    underline, strike) with its line formats (``header``: 1-3, ``list``: bullet/ordered).

    Only known formats with well-formed values count; anything else in stored data (a list as
    a heading level, an unknown format, an embed) is ignored rather than failing the page."""
    result: list[tuple[str, dict]] = []
    current = ""
    for chunk, raw_attrs in _text_of(update).diff():
        if not isinstance(chunk, str):
            continue  # embeds (images, formulas) are not part of minutes
        attrs = clean_attributes(raw_attrs)
        parts = chunk.split("\n")
        for index, part in enumerate(parts):
            current += _inline_html(part, attrs)
            if index < len(parts) - 1:
                result.append((current, attrs))
                current = ""
    if current:
        result.append((current, {}))
    return result


def to_html(update: bytes) -> str:
    """Render the Quill document as simple, safe HTML (paragraphs, headings, lists)."""
    out: list[str] = []
    open_list = ""
    for content, attrs in lines(update):
        kind = attrs.get("list")
        tag = {"bullet": "ul", "ordered": "ol"}.get(kind or "", "")
        if tag != open_list:
            if open_list:
                out.append(f"</{open_list}>")
            if tag:
                out.append(f"<{tag}>")
            open_list = tag
        if tag:
            out.append(f"<li>{content}</li>")
        elif attrs.get("header") in _HEADERS:
            heading = _HEADERS[attrs["header"]]
            out.append(f"<{heading}>{content}</{heading}>")
        elif content:
            out.append(f"<p>{content}</p>")
    if open_list:
        out.append(f"</{open_list}>")
    return "\n".join(out)
