"""Helpers shared by the case services: the write check (audited when denied) and the audit
record of a change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction, Outcome
from portal.audit.writer import record_event

from ..access import ActorProfile, Basis, NotFoundOrNotAllowed, actor_profile, case_basis
from ..models import Case


def require_case_right(
    *, actor: Any, case: Case, check: Callable[[Basis | None], bool], what: str
) -> tuple[ActorProfile, Basis]:
    """Raise ``NotFoundOrNotAllowed`` (recorded as denied) unless ``check(basis)`` holds."""
    profile = actor_profile(actor)
    basis = case_basis(profile, case)
    if not check(basis):
        record_event(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            outcome=Outcome.DENIED,
            organisation=profile.label[:200],
            role=str(basis or ""),
            object_type="case",
            object_id=case.pk,
            case_reference=case.reference,
            extra={"change": what},
        )
        raise NotFoundOrNotAllowed
    return profile, basis  # type: ignore[return-value]


def require_open(case: Case) -> None:
    if case.is_closed:
        raise ValidationError(_("Dit dossier is afgesloten en kan niet meer gewijzigd worden."))


def retraction_reason(reason: str) -> str:
    """The reason of a retraction or a removal: required, at most 2000 characters."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Geef een reden op.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("De reden is te lang (ten hoogste 2000 tekens).")})
    return reason


def audit_change(
    *,
    action: AuditAction,
    actor: Any,
    profile: ActorProfile,
    case: Case,
    basis: str = "",
    object_type: str = "case",
    object_id: Any = "",
    extra: dict[str, Any] | None = None,
) -> None:
    """Record a change; ``extra`` names what changed (field names, ids), never the content."""
    record_event(
        action=action,
        actor=actor,
        organisation=profile.label[:200],
        role=basis,
        access_rule=basis,
        object_type=object_type,
        object_id=object_id if object_id != "" else case.pk,
        case_reference=case.reference,
        extra=extra,
    )
