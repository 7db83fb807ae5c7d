"""Writes of the live notes: append updates with their audit records, presence and compaction.

The meeting's own steps (preparing it, the confidentiality acknowledgement, finalising it into
minutes) are collaboration's services (``collaboration.services.meetings`` and ``.minutes``).

Each service writes inside a transaction together with its audit record; callers broadcast to
live clients only after these functions return (that is, after commit).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from collaboration.models import Meeting, MeetingStatus, Phase
from collaboration.selectors.meetings import MeetingAccess
from portal.audit.chain import append_parameters_around_extra, append_sql_with_extra_from
from portal.audit.events import AuditAction, Outcome
from portal.audit.writer import build_event, record_event

from . import document, pgasync
from .models import LiveConnection, NoteSnapshot, NotesVolume, NoteUpdate
from .selectors import live_connections, presence_stale_after

logger = logging.getLogger(__name__)

# How many pending updates one compaction folds at most (merging 20,000 took 1.4 s).
COMPACT_BATCH = 5000
# Compact after about this many updates of one meeting (checked on the update id).
COMPACT_EVERY = 500
_COMPACT_LOCK_NAMESPACE = 7_513_0601  # pg_try_advisory_xact_lock(namespace, meeting id)


class NotesReadOnly(Exception):
    """The meeting was finalised (or the case closed) after the connection opened."""


class NotesFull(Exception):
    """Storing the batch would take the meeting's notes past ``LIVE_NOTES_MAX_STORED_BYTES``."""


def max_stored_bytes() -> int:
    """The most bytes of updates one meeting's notes may store in all (every update counts)."""
    return int(getattr(settings, "LIVE_NOTES_MAX_STORED_BYTES", 5 * 1024 * 1024))


def _audit_values(access: MeetingAccess, *, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "action": AuditAction.LIVE_NOTES_UPDATED,
        "actor": access.profile.user,
        "organisation": access.profile.label[:200],
        "role": str(access.basis),
        "access_rule": str(access.basis),
        "object_type": "meeting",
        "object_id": access.meeting.pk,
        "case_reference": access.case.reference,
        "extra": extra,
    }


def _updates_extra(connection_id: str, ids: Sequence[int], sizes: Sequence[int]) -> dict[str, Any]:
    """What the audit record of a batch says: ids and sizes, never the content of the notes."""
    return {"update_ids": list(ids), "sizes": list(sizes), "connection": connection_id}


def notes_updates_append(
    *,
    access: MeetingAccess,
    device: str,
    connection_id: str,
    updates: Sequence[bytes],
) -> list[int]:
    """Append ``updates`` (in order) to the log with their audit record, in one transaction.

    A client's updates that queued up while its previous write was in flight arrive here
    together and share one audit record that lists every update id (per-update records would
    take the audit chain's lock once per keystroke). The meeting row is locked so finalising
    cannot slip between the check and the append. Raises ``NotesReadOnly`` if the notes can no
    longer be edited, ``NotesFull`` (storing nothing) if the batch would take the meeting past
    its cap (``NotesVolume``).

    On PostgreSQL all of it is one statement (``_APPEND_SQL``: ``live_notes_store`` and the
    audit chain's INSERT): every
    live keystroke waits for this commit before it is relayed, so round trips are latency.
    """
    if connection.vendor == "postgresql":
        ids = _append_in_database(
            access=access, device=device, connection_id=connection_id, updates=updates
        )
    else:
        ids = _append_in_python(
            access=access, device=device, connection_id=connection_id, updates=updates
        )
    if any(i % COMPACT_EVERY == 0 for i in ids):
        transaction.on_commit(lambda: _enqueue_compaction(access.meeting.pk))
    return ids


# One statement: ``live_notes_store`` (migration 0007) locks the meeting, checks, counts and
# stores the updates and writes the audit record's ``extra``; the audit row is appended by the
# statement ``portal.audit.chain`` builds, embedded here as a data-modifying CTE (PostgreSQL runs
# it whether or not the outer SELECT reads it, after ``notes``, which it reads).
_APPEND_SQL = (
    "WITH notes AS MATERIALIZED (SELECT * FROM live_notes_store("  # noqa: S608 - constants only
    "%(meeting_id)s::bigint, %(user_id)s::bigint, %(device)s, %(connection)s, "
    "%(connection_json)s, %(updates)s::bytea[], %(durable)s::boolean, %(max_bytes)s::bigint, "
    "%(read_only_statuses)s::text[], %(closed_phase)s)), "
    "audit AS ("
    + append_sql_with_extra_from(
        source="notes", extra="notes.o_extra", where="notes.o_extra IS NOT NULL"
    )
    + ") SELECT notes.o_ids, notes.o_full FROM notes"
)

# The statuses in which the notes no longer change, from the model's own rule.
READ_ONLY_STATUSES = [str(status) for status in MeetingStatus if Meeting(status=status).is_settled]


def _append_arguments(
    *,
    access: MeetingAccess,
    device: str,
    connection_id: str,
    updates: Sequence[bytes],
    durable: bool | None = None,
) -> dict[str, Any]:
    """``_APPEND_SQL``'s parameters; the audit record's context (address, session,
    correlation id) comes from the caller's ``audit_context``."""
    if durable is None:
        durable = getattr(settings, "LIVE_NOTES_DURABLE_COMMIT", False)
    event = build_event(**_audit_values(access, extra={}))
    return {
        "meeting_id": access.meeting.pk,
        "user_id": access.profile.user.pk,
        "device": device[:100],
        "connection": connection_id,
        "connection_json": json.dumps(connection_id),
        "updates": [bytes(update) for update in updates],
        "durable": durable,
        "max_bytes": max_stored_bytes(),
        "read_only_statuses": READ_ONLY_STATUSES,
        "closed_phase": str(Phase.CLOSED),
        **append_parameters_around_extra(event),
    }


def _ids_or_raise(row: Any) -> list[int]:
    """``live_notes_append``'s answer: the ids stored, or why nothing was."""
    ids, full = (row[0], row[1]) if row is not None else (None, None)
    if full:
        raise NotesFull
    if ids is None:
        raise NotesReadOnly
    return list(ids)


def _append_in_database(
    *, access: MeetingAccess, device: str, connection_id: str, updates: Sequence[bytes]
) -> list[int]:
    arguments = _append_arguments(
        access=access,
        device=device,
        connection_id=connection_id,
        updates=updates,
        # The switch would hold for a caller's whole transaction: only in autocommit.
        durable=True if connection.in_atomic_block else None,
    )
    with connection.cursor() as cursor:
        cursor.execute(_APPEND_SQL, arguments)
        return _ids_or_raise(cursor.fetchone())


async def anotes_updates_append(
    *,
    shared: pgasync.SharedConnection,
    access: MeetingAccess,
    device: str,
    connection_id: str,
    updates: Sequence[bytes],
) -> list[int]:
    """``notes_updates_append`` for a consumer on PostgreSQL, without leaving the event loop:
    the same statement over the process's shared asynchronous connection (``pgasync``)."""
    arguments = _append_arguments(
        access=access, device=device, connection_id=connection_id, updates=updates
    )
    ids = _ids_or_raise(await shared.fetch_one(_APPEND_SQL, arguments))
    if any(i % COMPACT_EVERY == 0 for i in ids):
        await database_sync_to_async(_enqueue_compaction)(access.meeting.pk)
    return ids


def _append_in_python(
    *, access: MeetingAccess, device: str, connection_id: str, updates: Sequence[bytes]
) -> list[int]:
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(no_key=True)
            .select_related("case")
            .only("status", "case__phase")
            .get(pk=access.meeting.pk)
        )
        if meeting.is_settled or meeting.case.is_closed:
            raise NotesReadOnly
        batch = sum(len(update) for update in updates)
        volume, _created = NotesVolume.objects.get_or_create(meeting_id=access.meeting.pk)
        if volume.stored_bytes + batch > max_stored_bytes():
            raise NotesFull
        NotesVolume.objects.filter(pk=volume.pk).update(stored_bytes=F("stored_bytes") + batch)
        now = timezone.now()
        rows = NoteUpdate.objects.bulk_create(
            NoteUpdate(
                meeting_id=access.meeting.pk,
                user=access.profile.user,
                device=device[:100],
                connection_id=connection_id,
                received_at=now,
                size=len(update),
                data=update,
            )
            for update in updates
        )
        ids = [row.pk for row in rows]
        record_event(
            **_audit_values(
                access, extra=_updates_extra(connection_id, ids, [row.size for row in rows])
            )
        )
    return ids


def notes_update_refused(
    *, access: MeetingAccess, connection_id: str, reason: str = "read_only"
) -> None:
    """Record that a connection's updates were refused: once per connection for a read-only
    participant; for an update the editor cannot produce (``invalid``, the socket is then
    closed), with what was wrong, never the content."""
    record_event(
        action=AuditAction.LIVE_NOTES_UPDATED,
        actor=access.profile.user,
        outcome=Outcome.DENIED,
        organisation=access.profile.label[:200],
        role=str(access.basis),
        access_rule=str(access.basis),
        object_type="meeting",
        object_id=access.meeting.pk,
        case_reference=access.case.reference,
        extra={"connection": connection_id, "reason": reason[:200]},
    )


# --- Presence ----------------------------------------------------------------------------


def presence_enter(*, access: MeetingAccess, channel_name: str) -> None:
    LiveConnection.objects.update_or_create(
        channel_name=channel_name,
        defaults={
            "meeting": access.meeting,
            "user": access.profile.user,
            "can_edit": access.can_edit,
            "seen_at": timezone.now(),
        },
    )


def presence_leave(*, meeting_id: int, channel_name: str) -> int:
    """Forget a closed connection; returns how many live connections the meeting still has."""
    LiveConnection.objects.filter(channel_name=channel_name).delete()
    remaining = live_connections().filter(meeting_id=meeting_id).count()
    if remaining == 0:
        _enqueue_compaction(meeting_id)
    return remaining


def presence_touch(*, channel_name: str) -> bool:
    """The consumer's heartbeat: this connection is still served. False if its row is gone
    (pruned after a long stall), and then the row is written again by ``presence_enter``."""
    return bool(
        LiveConnection.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())
    )


def prune_stale_connections() -> int:
    """Delete connections whose process stopped refreshing them (killed, crashed, cut off);
    meetings left without anyone get their notes compacted. Returns how many were removed."""
    stale = LiveConnection.objects.filter(seen_at__lt=timezone.now() - presence_stale_after())
    meetings = set(stale.values_list("meeting_id", flat=True))
    removed, _ = stale.delete()
    for meeting_id in meetings:
        if not live_connections().filter(meeting_id=meeting_id).exists():
            _enqueue_compaction(meeting_id)
    return removed


# --- Compaction --------------------------------------------------------------------------


def _try_lock(meeting_id: int) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite has a single writer; the transaction serialises us
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", [_COMPACT_LOCK_NAMESPACE, int(meeting_id)]
        )
        return bool(cursor.fetchone()[0])


def notes_compact(*, meeting_id: int, batch: int = COMPACT_BATCH) -> int:
    """Fold up to ``batch`` pending updates of a meeting into a new snapshot.

    Runs under a transaction-scoped advisory lock per meeting (a second compactor skips). The
    updates keep their metadata; only their bytes move into the snapshot. Returns how many
    updates were folded (0 when there was nothing to do or another compactor holds the lock).
    """
    with transaction.atomic():
        if not _try_lock(meeting_id):
            return 0
        rows = list(
            NoteUpdate.objects.filter(meeting_id=meeting_id, snapshot__isnull=True)
            .order_by("id")
            .values_list("id", "data")[:batch]
        )
        if not rows:
            return 0
        previous = (
            NoteSnapshot.objects.filter(meeting_id=meeting_id)
            .order_by("-id")
            .values_list("state", "update_count")
            .first()
        )
        parts = ([bytes(previous[0])] if previous else []) + [bytes(data) for _id, data in rows]
        state = document.merge(parts)
        snapshot = NoteSnapshot.objects.create(
            meeting_id=meeting_id,
            state=state,
            size=len(state),
            update_count=(previous[1] if previous else 0) + len(rows),
        )
        NoteUpdate.objects.filter(pk__in=[pk for pk, _data in rows]).update(
            snapshot=snapshot, data=b""
        )
        # Older snapshots are wholly contained in the new one: re-point their updates, then drop
        # them (deleting first would set those updates' snapshot to NULL, i.e. pending again).
        older = NoteSnapshot.objects.filter(meeting_id=meeting_id, pk__lt=snapshot.pk)
        NoteUpdate.objects.filter(snapshot__in=older).update(snapshot=snapshot)
        older.delete()
    return len(rows)


def _enqueue_compaction(meeting_id: int) -> None:
    from .tasks import compact_meeting_notes

    try:
        compact_meeting_notes.enqueue(meeting_id=meeting_id)
    except Exception:  # compaction is an optimisation; never break the live path for it
        logger.exception("Could not enqueue live-notes compaction")
