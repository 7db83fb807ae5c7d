"""The one audit writer. Every side of the portal records events through ``record_event``.

The format of a row (which fields its hash covers, the canonical content, the one SQL statement
that appends it on PostgreSQL) is ``portal.audit.chain``'s. Rows are chained: the hash covers the canonical content plus the previous row's hash. Writers
are serialised for the chain with a transaction-scoped advisory lock on PostgreSQL (and by
SQLite's single writer elsewhere), inside the caller's transaction: if the caller's change rolls
back, its audit row does too, and vice versa.
"""

from __future__ import annotations

import ipaddress
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .chain import (
    FORMAT_VERSION,
    GENESIS_HASH,
    HASHED_FIELDS,
    HASHED_FIELDS_BY_VERSION,
    append_parameters,
    append_sql,
    canonical_content,
    compute_hash,
)
from .classification import Sensitivity, access_rule_for, action_class, is_emergency
from .context import current_context
from .events import AuditAction, Outcome
from .models import AuditEvent

# The format (hashed fields, canonical content, the SQL statement) lives in ``chain``; these
# names stay importable from here for the callers that have always used them.
__all__ = [
    "FORMAT_VERSION",
    "GENESIS_HASH",
    "HASHED_FIELDS",
    "HASHED_FIELDS_BY_VERSION",
    "build_event",
    "canonical_content",
    "compute_hash",
    "record_event",
]

_APPEND_SQL = append_sql()


def _append_postgresql(event: AuditEvent) -> None:
    """One round trip: the statement of ``chain.append_sql`` locks, stamps, links, hashes and
    inserts. The hash is the one ``compute_hash`` gives, so verification is the same."""
    with connection.cursor() as cursor:
        cursor.execute(_APPEND_SQL, append_parameters(event))
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
    off an over-long value, and the stored row would no longer match its hash. ``extra`` is
    stored as jsonb, which writes a number such as ``1e+21`` out in full and refuses NaN."""
    event.extra = _as_jsonb_reads_back(event.extra)
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


def _as_jsonb_reads_back(value: Any) -> Any:
    """``value`` as it comes back from a jsonb column: a float Python would print with an
    exponent of 16 or more is a whole number, read back as an int; NaN and infinities, which
    JSON has not, become text."""
    if isinstance(value, dict):
        return {str(key): _as_jsonb_reads_back(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_jsonb_reads_back(item) for item in value]
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if "e+" in repr(value):
            return int(Decimal(repr(value)))  # jsonb keeps the decimal digits Python printed
    return value


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
