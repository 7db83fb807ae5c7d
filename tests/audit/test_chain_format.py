"""One owner of the audit format (``portal.audit.chain``): on PostgreSQL the database stamps,
links and hashes each row, and the hash must be byte for byte the one Python computes, whatever
the content; the live notes' one-statement append goes through the same statement."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.db import connection

from portal.audit import chain
from portal.audit.context import audit_context
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.audit.verify import verify_chain
from portal.audit.writer import build_event, record_event

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

CONTROL = "".join(chr(c) for c in range(1, 32)) + "\x7f"  # every control char but NUL
AWKWARD_TEXT = (
    "Zoë \"aanhaling\" 'enkel' \\ back\\slash\nregel twee\r\n\ttab "
    "\u202e\u200b e\u0301 \U0001f6a8 \ufeff 中文 " + CONTROL
)


def _big_extra() -> dict[str, Any]:
    return {
        "update_ids": list(range(5000)),
        "nested": {"occurred_at": "occurred-at-slot", "extra": "extra-slot", "z": [None, True]},
        "floats": [0.1, 2.5, -1e-7, 1e21, 1.5e300, 2.0, float("nan")],
        "text": AWKWARD_TEXT * 20,
        "keys with ünïcode": {f"k{i}": AWKWARD_TEXT[i % len(AWKWARD_TEXT)] for i in range(300)},
    }


def _awkward_values(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "action": AuditAction.CASE_VIEWED,
            "actor": user,
            "actor_label": '"occurred_at":"occurred-at-slot" ' + AWKWARD_TEXT,
            "purpose": AWKWARD_TEXT,
            "organisation": AWKWARD_TEXT,
            "case_reference": "VH-OVL-2026-0003",
            "access_rule": "break_the_glass",
            "extra": _big_extra(),
        },
        # Null and empty everywhere: no actor, no address, no object.
        {"action": AuditAction.SIGN_IN_FAILED, "actor_label": "", "extra": {}},
        {
            "action": AuditAction.REFERRAL_SUBMITTED,
            "actor": user,
            "subject": '"extra":"extra-slot"',
            "on_behalf_of": "\\u0000 not a NUL, six characters",
            "object_id": 9_007_199_254_740_993,
            "legal_basis": AWKWARD_TEXT[:100],
        },
    ]


def _python_hash(event: AuditEvent) -> str:
    return hashlib.sha256(
        event.prev_hash.encode() + b"\n" + chain.canonical_content(event)
    ).hexdigest()


def test_python_and_postgresql_hash_byte_for_byte(make_user) -> None:
    assert connection.vendor == "postgresql"
    user = make_user(full_name='Zoë "Quote" \\ O\'Neil')
    written = []
    with audit_context(ip_address="2001:DB8:0:0::1", session_ref=AWKWARD_TEXT[:64]):
        written += [record_event(**values) for values in _awkward_values(user)]
    with audit_context(ip_address=None, correlation_id=""):
        written.append(record_event(action=AuditAction.CASE_CHANGED, actor=None))
    stored = {row.pk: row for row in AuditEvent.objects.filter(pk__in=[e.pk for e in written])}
    for event in written:
        row = stored[event.pk]
        # The database's hash of the in-memory event, with the time and link it stamped ...
        assert _python_hash(event) == event.hash
        # ... and of the row as read back: stored exactly what was hashed.
        assert chain.compute_hash(row, row.prev_hash) == row.hash == event.hash
        assert chain.canonical_content(row) == chain.canonical_content(event)
    assert verify_chain().ok


def test_the_content_split_rebuilds_the_canonical_content(make_user) -> None:
    """The pieces the statement sends around the time and around ``extra`` are the canonical
    content with a hole, for every awkward event."""
    from django.utils import timezone

    for values in _awkward_values(make_user()):
        event = build_event(**values)
        event.occurred_at = timezone.now()
        when = event.occurred_at.astimezone(chain.UTC).isoformat(timespec="microseconds")
        before, after = chain.content_around_time(event)
        assert (before + when + after).encode() == chain.canonical_content(event)
        head, between, tail = chain.content_around_extra_and_time(event)
        extra = chain._dumps({"x": event.extra})[5:-1]
        assert (head + extra + between + when + tail).encode() == chain.canonical_content(event)


def test_the_live_notes_append_goes_through_the_same_statement() -> None:
    from collaboration.live_notes import services
    from collaboration.selectors.meetings import meeting_access
    from tests.live_notes.world import build_world

    assert (
        chain.append_sql_with_extra_from(
            source="notes", extra="notes.o_extra", where="notes.o_extra IS NOT NULL"
        )
        in services._APPEND_SQL
    )
    world = build_world()
    access = meeting_access(user=world.director, meeting_id=world.meeting.pk)
    with audit_context(ip_address="192.0.2.7", correlation_id="c" * 32):
        ids = services.notes_updates_append(
            access=access, device='toestel "één"\n', connection_id='c\\1"', updates=[b"\x00a", b"b"]
        )
    row = AuditEvent.objects.get(action=AuditAction.LIVE_NOTES_UPDATED, correlation_id="c" * 32)
    assert row.extra == {"connection": 'c\\1"', "sizes": [2, 1], "update_ids": ids}
    assert (row.access_rule, row.format_version, row.lifecycle) == ("case_director", 2, "update")
    assert chain.compute_hash(row, row.prev_hash) == row.hash
    assert verify_chain().ok


def test_every_hashed_field_is_a_stored_column() -> None:
    stored = {column for column, _cast in chain.STORED_COLUMNS}
    assert stored | {"occurred_at"} == set(chain.HASHED_FIELDS)
