"""The Yjs document of a meeting, rebuilt from the database with pycrdt.

Nothing here keeps a document in memory between calls: the database is the single source of
truth, so any process can serve any client. Reads fetch the pending updates *before* the
snapshot; a compaction that commits in between then only yields duplicates, which Yjs ignores.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from pycrdt import Doc, Text, get_state, get_update, merge_updates

from .models import NoteSnapshot, NoteUpdate

# The shared type the editor binds to (``ydoc.getText("notes")`` in the bundle).
TEXT_NAME = "notes"
EMPTY_UPDATE = b"\x00\x00"


def merge(parts: Iterable[bytes]) -> bytes:
    parts = [p for p in parts if p and p != EMPTY_UPDATE]
    if not parts:
        return EMPTY_UPDATE
    if len(parts) == 1:
        return parts[0]
    return merge_updates(*parts)


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
    return merge(([bytes(snapshot)] if snapshot is not None else []) + pending)


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
    doc.apply_update(update)
    return doc.get(TEXT_NAME, type=Text)


def plain_text(update: bytes) -> str:
    return str(_text_of(update))


# Quill's inline and line formats that the minutes keep; anything else is dropped.
_INLINE = (("bold", "strong"), ("italic", "em"), ("underline", "u"), ("strike", "s"))
_HEADERS = {1: "h2", 2: "h3", 3: "h4"}


def _inline_html(text: str, attrs: dict | None) -> str:
    out = html.escape(text)
    for key, tag in _INLINE:
        if attrs and attrs.get(key):
            out = f"<{tag}>{out}</{tag}>"
    return out


def to_html(update: bytes) -> str:
    """Render the Quill document as simple, safe HTML (paragraphs, headings, lists)."""
    lines: list[tuple[str, dict]] = []
    current = ""
    for chunk, attrs in _text_of(update).diff():
        if not isinstance(chunk, str):
            continue  # embeds (images, formulas) are not part of minutes
        parts = chunk.split("\n")
        for index, part in enumerate(parts):
            current += _inline_html(part, attrs)
            if index < len(parts) - 1:
                lines.append((current, attrs or {}))
                current = ""
    if current:
        lines.append((current, {}))
    out: list[str] = []
    open_list = ""
    for content, attrs in lines:
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
