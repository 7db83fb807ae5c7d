"""The one audit writer. Every side of the portal records events through ``record_event``.

Rows are chained: the hash covers the canonical content plus the previous row's hash. Writers
are serialised for the chain with a transaction-scoped advisory lock on PostgreSQL (and by
SQLite's single writer elsewhere), inside the caller's transaction: if the caller's change rolls
back, its audit row does too, and vice versa.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .classification import Sensitivity, access_rule_for, action_class, is_emergency
from .context import current_context
from .events import AuditAction, Outcome
from .models import AuditEvent

GENESIS_HASH = "0" * 64

HASHED_FIELDS_V1 = (
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

# Format 2 adds the NEN 7513 fields and the version itself; rows of format 1 (before migration
# 0011) keep hashing over the fields they were written with, so the old chain still verifies.
HASHED_FIELDS_V2 = (
    *HASHED_FIELDS_V1,
    "format_version",
    "source_system",
    "site",
    "access_rule",
    "legal_basis",
    "lifecycle",
    "sensitivity",
    "emergency",
)
FORMAT_VERSION = 2
HASHED_FIELDS_BY_VERSION = {1: HASHED_FIELDS_V1, 2: HASHED_FIELDS_V2}
HASHED_FIELDS = HASHED_FIELDS_BY_VERSION[FORMAT_VERSION]


def hashed_fields(event: AuditEvent) -> tuple[str, ...]:
    """The fields ``event``'s format hashes; KeyError for a format this code does not know."""
    return HASHED_FIELDS_BY_VERSION[event.format_version]


def canonical_content(event: AuditEvent) -> bytes:
    values: dict[str, Any] = {}
    for name in hashed_fields(event):
        value = getattr(event, name)
        if name == "occurred_at":
            value = value.astimezone(UTC).isoformat(timespec="microseconds")
        values[name] = value
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(event: AuditEvent, prev_hash: str) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical_content(event)).hexdigest()


_TIME_SLOT = "occurred-at-slot"
_TIME_TOKEN = f'"occurred_at":"{_TIME_SLOT}"'


def content_around_time(event: AuditEvent) -> tuple[str, str]:
    """The canonical content split where the time goes, for the database to stamp the time
    under the chain lock and hash the whole. The top-level ``occurred_at`` key sorts after
    ``extra`` (the only nested value) and every later value is an escaped string, so the
    token's last occurrence is the top-level one."""
    values: dict[str, Any] = {name: getattr(event, name) for name in hashed_fields(event)}
    values["occurred_at"] = _TIME_SLOT
    content = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    before, token, after = content.rpartition(_TIME_TOKEN)
    if not token:  # pragma: no cover - the dict above always holds the key
        raise RuntimeError("canonical content lost its time slot")
    return before + '"occurred_at":"', '"' + after


_EXTRA_SLOT = "extra-slot"
_EXTRA_TOKEN = f'"extra":"{_EXTRA_SLOT}"'


def content_around_extra_and_time(event: AuditEvent) -> tuple[str, str, str]:
    """Like ``content_around_time``, also split where ``extra`` goes, for a database function
    that builds ``extra`` itself (the live notes list the update ids it inserts). Every key
    before ``extra`` holds a number, a boolean or an escaped string, so the token occurs
    once."""
    extra, event.extra = event.extra, _EXTRA_SLOT
    try:
        before, after = content_around_time(event)
    finally:
        event.extra = extra
    head, token, between = before.partition(_EXTRA_TOKEN)
    if not token:  # pragma: no cover - the dict always holds the key
        raise RuntimeError("canonical content lost its extra slot")
    return head + '"extra":', between, after


def column_arguments(event: AuditEvent) -> list[Any]:
    """The stored columns in ``audit_append``'s parameter order, ``extra`` excepted."""
    return [
        event.action,
        event.outcome,
        event.actor_id,
        event.actor_label,
        event.organisation,
        event.role,
        event.on_behalf_of,
        event.object_type,
        event.object_id,
        event.case_reference,
        event.subject,
        event.purpose,
        event.ip_address,
        event.session_ref,
        event.correlation_id,
        event.format_version,
        event.source_system,
        event.site,
        event.access_rule,
        event.legal_basis,
        event.lifecycle,
        event.sensitivity,
        event.emergency,
    ]


_APPEND_SQL = (
    "SELECT o_id, o_occurred_at, o_prev_hash, o_hash FROM audit_append("
    "%s, %s, %s::integer, %s, %s::bigint, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::inet, "
    "%s, %s, %s::integer, %s, %s, %s, %s, %s, %s, %s::boolean, %s::jsonb)"
)


def _append_postgresql(event: AuditEvent) -> None:
    """One round trip: lock, stamp, link, hash and insert in ``audit_append`` (migration
    0006). The hash is the one ``compute_hash`` gives, so verification is the same."""
    before, after = content_around_time(event)
    with connection.cursor() as cursor:
        cursor.execute(
            _APPEND_SQL, [before, after, *column_arguments(event), json.dumps(event.extra)]
        )
        event.pk, event.occurred_at, event.prev_hash, event.hash = cursor.fetchone()
    event._state.adding = False
    event._state.db = connection.alias


def _append_in_python(event: AuditEvent) -> None:
    """Elsewhere (SQLite, a single writer): the same steps, in Python."""
    # Stamped while the chain is held, so time order and id order are the same order
    # (the viewer turns a period into an id range on that basis).
    event.occurred_at = timezone.now()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event.prev_hash = last or GENESIS_HASH
    event.hash = compute_hash(event, event.prev_hash)
    event.save(force_insert=True)


def build_event(
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
    access_rule: str | None = None,
    legal_basis: str | None = None,
    sensitivity: str | None = None,
) -> AuditEvent:
    """An unsaved event with the current audit context (address, session, correlation id).

    The NEN 7513 fields (``portal.audit.classification``): ``access_rule`` is the rule that
    granted the act (the case basis from ``collaboration.access``; a refusal records
    ``none``); the life-cycle step, the sensitivity and a sharing act's legal basis follow from
    the action unless given; the emergency flag marks break the glass; source system and site
    come from the settings ``AUDIT_SOURCE_SYSTEM`` and ``AUDIT_SITE``."""
    ctx = current_context()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    klass = action_class(action)
    rule = access_rule_for(action=action, outcome=str(outcome), access_rule=access_rule, role=role)
    emergency = is_emergency(action=action, access_rule=rule)
    if legal_basis is None:
        shared = str(outcome) == Outcome.ALLOWED and klass.legal_basis is not None
        legal_basis = str(klass.legal_basis) if shared else ""
    if sensitivity is None:
        sensitivity = Sensitivity.VERY_RESTRICTED if emergency else klass.sensitivity
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
        format_version=FORMAT_VERSION,
        source_system=str(getattr(settings, "AUDIT_SOURCE_SYSTEM", "")),
        site=str(getattr(settings, "AUDIT_SITE", "")),
        access_rule=rule,
        legal_basis=legal_basis,
        lifecycle=str(klass.lifecycle),
        sensitivity=str(sensitivity),
        emergency=emergency,
    )
    _canonicalise(event)
    return event


def _canonicalise(event: AuditEvent) -> None:
    """Store exactly what is hashed. The database would otherwise normalise an address
    (``2001:DB8::1`` becomes ``2001:db8::1``; a bad one fails the insert) or cut trailing spaces
    off an over-long value, and the stored row would no longer match its hash."""
    if event.ip_address:
        try:
            event.ip_address = str(ipaddress.ip_address(str(event.ip_address).strip()))
        except ValueError:
            event.ip_address = None
    for name in HASHED_FIELDS:
        field = AuditEvent._meta.get_field(name)
        limit = getattr(field, "max_length", None)
        value = getattr(event, name)
        if limit and isinstance(value, str) and len(value) > limit:
            setattr(event, name, value[:limit])


def record_event(**values: Any) -> AuditEvent:
    """Append one event to the chain and return it (arguments as ``build_event``). Never put
    case content in ``extra``."""
    event = build_event(**values)
    # Inside the caller's transaction no savepoint is needed: the row lives or dies with it.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            _append_postgresql(event)
        else:
            _append_in_python(event)
    return event
