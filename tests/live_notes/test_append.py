"""Appending live-notes updates: stored in order with one audit record that lists them, the
chain intact, and nothing stored once the notes are read only. On PostgreSQL this exercises the
one-statement path (``services._APPEND_SQL``), elsewhere the Python one; both must agree."""

from __future__ import annotations

import pytest
from pycrdt import Doc, Text

from collaboration.live_notes import document
from collaboration.live_notes.models import NoteUpdate
from collaboration.live_notes.services import NotesReadOnly, notes_updates_append
from collaboration.models import MeetingStatus
from collaboration.selectors.meetings import meeting_access
from portal.audit.context import audit_context
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.audit.verify import verify_chain

from .world import build_world

pytestmark = pytest.mark.django_db


def _updates(*words: str) -> list[bytes]:
    doc = Doc()
    text = doc.get(document.TEXT_NAME, type=Text)
    updates: list[bytes] = []
    for word in words:
        before = doc.get_state()
        text += word
        updates.append(doc.get_update(before))
    return updates


def test_a_batch_is_stored_in_order_with_one_audit_record_listing_it() -> None:
    world = build_world()
    access = meeting_access(user=world.director, meeting_id=world.meeting.pk)
    updates = _updates("Afspraak: ", "CAW ", "belt 'moeder' \u00e9\u00e9n keer")
    with audit_context(ip_address="192.0.2.7", correlation_id="c0ffee"):
        ids = notes_updates_append(
            access=access, device="otp_totp.totpdevice/1", connection_id="abc123", updates=updates
        )
    rows = list(NoteUpdate.objects.filter(pk__in=ids).order_by("id"))
    assert [bytes(row.data) for row in rows] == updates
    assert [row.size for row in rows] == [len(update) for update in updates]
    assert {row.user_id for row in rows} == {world.director.pk}
    assert document.plain_text(document.merge(updates)) == "Afspraak: CAW belt 'moeder' één keer"
    event = AuditEvent.objects.get(action=AuditAction.LIVE_NOTES_UPDATED)
    assert event.extra == {
        "update_ids": ids,
        "sizes": [len(update) for update in updates],
        "connection": "abc123",
    }
    assert (event.case_reference, event.object_id) == (world.case.reference, str(world.meeting.pk))
    assert (event.ip_address, event.correlation_id) == ("192.0.2.7", "c0ffee")
    assert event.actor_id == world.director.pk
    assert "moeder" not in str(event.extra)
    assert verify_chain().ok


def test_nothing_is_stored_or_audited_once_the_meeting_is_finalised() -> None:
    world = build_world()
    access = meeting_access(user=world.director, meeting_id=world.meeting.pk)
    world.meeting.status = MeetingStatus.FINALISED
    world.meeting.save(update_fields=["status"])
    with pytest.raises(NotesReadOnly):
        notes_updates_append(
            access=access, device="", connection_id="abc123", updates=_updates("te laat")
        )
    assert not NoteUpdate.objects.filter(meeting=world.meeting).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.LIVE_NOTES_UPDATED).exists()


@pytest.mark.parametrize("durable", [False, True])
def test_the_append_function_commits_without_waiting_for_the_disk_unless_told(
    durable: bool,
) -> None:
    from django.db import connection

    from collaboration.live_notes.services import _APPEND_SQL, _append_arguments

    if connection.vendor != "postgresql":
        pytest.skip("commit modes are PostgreSQL's")
    world = build_world()
    access = meeting_access(user=world.director, meeting_id=world.meeting.pk)
    arguments = _append_arguments(
        access=access, device="", connection_id="c1", updates=_updates("x"), durable=durable
    )
    with connection.cursor() as cursor:  # inside the test's transaction, to look at it
        cursor.execute(_APPEND_SQL, arguments)
        assert cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == ("on" if durable else "off")


def test_a_callers_transaction_keeps_its_synchronous_commit(settings) -> None:
    """Called inside a transaction, the service must not make the caller's commit
    asynchronous: the switch is for the consumer's autocommit keystrokes only."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("commit modes are PostgreSQL's")
    settings.LIVE_NOTES_DURABLE_COMMIT = False
    world = build_world()
    access = meeting_access(user=world.director, meeting_id=world.meeting.pk)
    notes_updates_append(access=access, device="", connection_id="c1", updates=_updates("x"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
