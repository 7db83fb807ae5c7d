"""Background work of the live notes (django-tasks: database backend in production)."""

from __future__ import annotations

from django_tasks import task

from portal.audit.context import audit_context


@task()
def compact_meeting_notes(meeting_id: int) -> int:
    """Fold a meeting's pending updates into a snapshot, batch by batch, off the request path."""
    from .services import COMPACT_BATCH, notes_compact

    folded = 0
    with audit_context(correlation_id=""):
        while True:
            done = notes_compact(meeting_id=meeting_id)
            folded += done
            if done < COMPACT_BATCH:
                return folded


@task()
def prune_stale_connections() -> int:
    """Periodic: forget presence rows of processes that died without saying goodbye."""
    from .services import prune_stale_connections as prune

    with audit_context(correlation_id=""):
        return prune()
