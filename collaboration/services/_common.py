"""Helpers shared by the case services: the write check (audited when denied) and the audit
record of a change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
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


Retractable = TypeVar("Retractable", bound=models.Model)


def mark_retracted(item: Retractable, *, actor: Any, reason: str) -> Retractable:
    """Lock the row and stamp it retracted (call inside the transaction that audits it); one
    retracted by someone else in the meantime is "not found". Shared by entries and documents,
    which carry the same three fields."""
    locked = type(item)._default_manager.select_for_update().get(pk=item.pk)
    if getattr(locked, "retracted_at", None) is not None:
        raise NotFoundOrNotAllowed
    locked.retracted_at = timezone.now()  # type: ignore[attr-defined]
    locked.retracted_by = actor  # type: ignore[attr-defined]
    locked.retraction_reason = reason  # type: ignore[attr-defined]
    locked.save(update_fields=["retracted_at", "retracted_by", "retraction_reason"])
    return locked


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
