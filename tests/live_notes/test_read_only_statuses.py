"""The notes are read-only in every status the model calls settled (finalised, cancelled) and in
a closed case, on both paths: the statuses reach PostgreSQL's ``live_notes_store`` as
parameters from ``Meeting.is_settled``, not as literals, so a new settled status cannot be
forgotten in SQL."""

from __future__ import annotations

import pytest

from collaboration.live_notes.services import (
    READ_ONLY_STATUSES,
    NotesReadOnly,
    notes_updates_append,
)
from collaboration.models import Meeting, MeetingStatus
from collaboration.selectors.meetings import meeting_access
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent

from .world import build_world

pytestmark = pytest.mark.django_db


def test_the_read_only_statuses_follow_the_model() -> None:
    assert set(READ_ONLY_STATUSES) == {
        status for status in MeetingStatus if Meeting(status=status).is_settled
    }
    assert {MeetingStatus.FINALISED, MeetingStatus.CANCELLED} <= set(READ_ONLY_STATUSES)


@pytest.mark.parametrize("status", READ_ONLY_STATUSES)
def test_a_settled_meeting_stores_nothing_and_audits_nothing(status: str) -> None:
    world = build_world()
    access = meeting_access(user=world.director, meeting_id=world.meeting.pk)
    Meeting.objects.filter(pk=world.meeting.pk).update(status=status)
    with pytest.raises(NotesReadOnly):
        notes_updates_append(access=access, device="", connection_id="c1", updates=[b"x"])
    assert not AuditEvent.objects.filter(action=AuditAction.LIVE_NOTES_UPDATED).exists()
