"""Demo part of the live notes: an agenda and a first notes skeleton for every open demo
meeting. The skeleton is seeded once on the server and stored as the first snapshot; seeding
the same text separately in two places would create unrelated Yjs histories."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from pycrdt import Doc, Text

from collaboration.models import Meeting, MeetingStatus

from .document import TEXT_NAME
from .models import AgendaItem, NoteSnapshot, NoteUpdate

DEMO_AGENDA = (
    "Welkom en vertrouwelijkheid",
    "Stand van zaken per levensdomein",
    "Wat zegt het gezin zelf?",
    "Afspraken: wie doet wat tegen wanneer",
)
SKELETON = "Notities netwerkoverleg\nAanwezig: \nStand van zaken: \nAfspraken: \n"


def _skeleton_state() -> bytes:
    doc = Doc()
    text = doc.get(TEXT_NAME, type=Text)
    text.insert(0, SKELETON)
    text.format(0, len("Notities netwerkoverleg") + 1, {"header": 2})
    return doc.get_update()


@transaction.atomic
def ensure_demo_live_notes() -> None:
    """Idempotent: touches only meetings that have no agenda or no notes yet."""
    meetings = Meeting.objects.exclude(status=MeetingStatus.FINALISED)
    for meeting in meetings:
        if not AgendaItem.objects.filter(meeting=meeting).exists():
            AgendaItem.objects.bulk_create(
                AgendaItem(meeting=meeting, position=i, title=title)
                for i, title in enumerate(DEMO_AGENDA)
            )
        has_notes = (
            NoteSnapshot.objects.filter(meeting=meeting).exists()
            or NoteUpdate.objects.filter(meeting=meeting).exists()
        )
        if not has_notes:
            state = _skeleton_state()
            NoteSnapshot.objects.create(meeting=meeting, state=state, size=len(state))


def demo_step(context: dict[str, Any]) -> None:
    """Notes for the demo's network meeting (portal/demo.py)."""
    ensure_demo_live_notes()
