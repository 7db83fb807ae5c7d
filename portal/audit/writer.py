"""The one audit writer. Every side of the portal records events through ``record_event``.

Rows are chained: the hash covers the canonical content plus the previous row's hash. Writers
are serialised for the chain with a transaction-scoped advisory lock on PostgreSQL (and by
SQLite's single writer elsewhere), inside the caller's transaction: if the caller's change rolls
back, its audit row does too, and vice versa.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .context import current_context
from .events import AuditAction, Outcome
from .models import AuditEvent

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = 7_513_0001  # NEN 7513, chain 1

HASHED_FIELDS = (
    "occurred_at",
    "action",
    "outcome",
    "actor_id",
    "actor_label",
    "organisation",
    "role",
    "on_behalf_of",
    "object_type",
    "object_id",
    "case_reference",
    "subject",
    "purpose",
    "ip_address",
    "session_ref",
    "correlation_id",
    "extra",
)


def canonical_content(event: AuditEvent) -> bytes:
    values: dict[str, Any] = {}
    for name in HASHED_FIELDS:
        value = getattr(event, name)
        if name == "occurred_at":
            value = value.astimezone(UTC).isoformat(timespec="microseconds")
        values[name] = value
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(event: AuditEvent, prev_hash: str) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical_content(event)).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


def record_event(
    *,
    action: AuditAction,
    actor: Any = None,
    outcome: Outcome = Outcome.ALLOWED,
    organisation: str = "",
    role: str = "",
    on_behalf_of: str = "",
    object_type: str = "",
    object_id: str | int = "",
    case_reference: str = "",
    subject: str = "",
    purpose: str = "",
    extra: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event to the chain and return it. Never put case content in ``extra``."""
    ctx = current_context()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        action=int(action),
        outcome=str(outcome),
        actor=actor if is_user else None,
        actor_label=actor_label
        if actor_label is not None
        else (actor.get_username() if is_user else ""),
        organisation=organisation,
        role=role,
        on_behalf_of=on_behalf_of,
        object_type=object_type,
        object_id=str(object_id),
        case_reference=case_reference,
        subject=subject,
        purpose=purpose,
        ip_address=ctx.ip_address,
        session_ref=ctx.session_ref,
        correlation_id=ctx.correlation_id,
        extra=extra or {},
    )
    # Inside the caller's transaction no savepoint is needed: the row lives or dies with it.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        # Stamped under the chain lock, so time order and id order are the same order
        # (the viewer turns a period into an id range on that basis).
        event.occurred_at = timezone.now()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event.prev_hash = last or GENESIS_HASH
        event.hash = compute_hash(event, event.prev_hash)
        event.save(force_insert=True)
    return event
