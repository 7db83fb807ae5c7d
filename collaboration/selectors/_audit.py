"""One helper so every selector records its access the same way."""

from __future__ import annotations

from typing import Any

from portal.audit.events import AuditAction, Outcome
from portal.audit.writer import record_event

from ..access import ActorProfile


def audit_read(
    *,
    action: AuditAction,
    profile: ActorProfile,
    allowed: bool,
    object_type: str,
    object_id: str | int = "",
    case_reference: str = "",
    basis: str = "",
    purpose: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    record_event(
        action=action,
        actor=profile.user,
        outcome=Outcome.ALLOWED if allowed else Outcome.DENIED,
        organisation=profile.label[:200],
        role=basis,
        access_rule=basis,
        object_type=object_type,
        object_id=object_id,
        case_reference=case_reference,
        purpose=purpose,
        extra=extra,
    )
