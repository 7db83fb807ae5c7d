"""Closure through a coordinator's approval (four eyes, issue 17 item 5), with a written
reason per "Nee".

Closing a case says the intensive case direction is over: the case director does not decide
that alone. ``case_close`` (services/cases.py) records a ``ClosureRequest`` (the answers, the
reasons for each "Nee", the summary and the card for the family) with its ``Approval``
(services/approvals.py), and the coordinators of the region who may decide are notified. A
coordinator who is neither the case director nor the one who asked confirms it (the case closes
with the answers, reasons and texts of the request) or refuses it with a reason (the case stays
in completion and the director reads why). While a request waits, the case neither closes
another way nor changes phase. Each step is audited; nothing is saved when a check fails.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction

from ..access import Basis, can_direct
from ..models import (
    CLOSURE_CRITERIA,
    ApprovalSubject,
    Case,
    ClosureRequest,
    ClosureStatus,
    CriterionAnswer,
    Phase,
)
from ._common import audit_change, require_case_right, require_open

CONFIRM = "confirm"
REFUSE = "refuse"


def reason_field(name: str) -> str:
    """The form field (and error key) of the reason for criterion ``name``."""
    return f"{name}_reason"


def missing_reasons(criteria: dict[str, str], reasons: dict[str, str]) -> dict[str, str]:
    """An error per "Nee" without a written reason, keyed by its reason field."""
    return {
        reason_field(name): _("Schrijf waarom dit criterium niet vervuld is.")
        for name, _label in CLOSURE_CRITERIA
        if criteria.get(name) == CriterionAnswer.NO and not (reasons.get(name) or "").strip()
    }


def pending_closure(case: Case) -> ClosureRequest | None:
    return ClosureRequest.objects.filter(case=case, status=ClosureStatus.PENDING).first()


def require_no_pending_closure(case: Case, *, field: str | None = None) -> None:
    if pending_closure(case) is not None:
        message = _(
            "Er wacht een afsluiting op de bevestiging van een coördinator. Wacht op die "
            "beslissing of vraag de coördinator ze te weigeren."
        )
        raise ValidationError({field: message} if field else message)


def may_decide(profile: Any, case: Case) -> bool:
    """A coordinator of the case's region who is not its case director."""
    from .approvals import may_decide as _may_decide

    return _may_decide(profile, case)


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def closure_request(
    *,
    actor: Any,
    case: Case,
    criteria: dict[str, str],
    reasons: dict[str, str],
    closing_summary: str,
    contact_card: str,
) -> ClosureRequest:
    """Ask a coordinator to approve a closure (called by ``case_close`` after its checks;
    checks again what a direct caller could skip)."""
    from .approvals import approval_request

    profile, basis = require_case_right(
        actor=actor, case=case, check=can_direct, what="closure_request"
    )
    require_open(case)
    errors = missing_reasons(criteria, reasons)
    for name, _label in CLOSURE_CRITERIA:
        if criteria.get(name) not in CriterionAnswer.values:
            errors[name] = _("Beantwoord dit afrondingscriterium.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _lock(case)
        if case.phase != Phase.COMPLETION:
            raise ValidationError(
                _("Alleen een dossier in de afrondingsfase kan afgesloten worden.")
            )
        require_no_pending_closure(case)
        request = ClosureRequest(
            case=case,
            criteria={name: criteria[name] for name, _label in CLOSURE_CRITERIA},
            reasons={
                name: reasons[name].strip()
                for name, _label in CLOSURE_CRITERIA
                if criteria[name] == CriterionAnswer.NO
            },
            closing_summary=closing_summary.strip(),
            contact_card=contact_card.strip(),
            requested_by=actor,
        )
        request.full_clean()
        request.save()
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="closure_request",
            object_id=request.pk,
            extra={"change": "closure_requested", "criteria": request.criteria},
        )
        approval_request(actor=actor, profile=profile, basis=basis, case=case, closure=request)
    return request


def closure_decide(*, actor: Any, case: Case, decision: str, note: str = "") -> ClosureRequest:
    """A coordinator of the region (not the case director, not the one who asked) confirms
    the waiting closure, which closes the case, or refuses it with a reason (kept on its
    ``Approval``)."""
    from .approvals import APPROVE, approval_decide, require_decider
    from .approvals import REFUSE as REFUSAL

    require_decider(actor=actor, case=case, what="closure")
    note = note.strip()
    if decision not in (CONFIRM, REFUSE):
        raise ValidationError({"decision": _("Kies bevestigen of weigeren.")})
    if decision == REFUSE and not note:
        raise ValidationError({"note": _("Schrijf waarom u de afsluiting weigert.")})
    decided: list[ClosureRequest] = []

    def _settle(approval: Any, status: str) -> ClosureRequest:
        request = ClosureRequest.objects.select_for_update().get(pk=approval.closure_id)
        request.status = status
        request.decided_by = approval.decided_by
        request.decided_at = approval.decided_at
        decided.append(request)
        return request

    def approve(approval: Any, profile: Any) -> None:
        request = _settle(approval, ClosureStatus.CONFIRMED)
        _close(actor=actor, profile=profile, case=approval.case, request=request)
        request.full_clean()
        request.save()

    def refuse(approval: Any) -> None:
        request = _settle(approval, ClosureStatus.REFUSED)
        request.full_clean()
        request.save()

    approval_decide(
        actor=actor,
        case=case,
        subject=ApprovalSubject.CLOSURE,
        decision=APPROVE if decision == CONFIRM else REFUSAL,
        comment=note,
        comment_field="note",
        on_approve=approve,
        on_refuse=refuse,
        what="closure",
    )
    return decided[0]


def _close(*, actor: Any, profile: Any, case: Case, request: ClosureRequest) -> None:
    from .cases import _record_transition

    if case.phase != Phase.COMPLETION:
        raise ValidationError(_("Alleen een dossier in de afrondingsfase kan afgesloten worden."))
    for name, _label in CLOSURE_CRITERIA:
        setattr(case, name, request.criteria[name])
    case.closing_summary = request.closing_summary
    case.contact_card = request.contact_card
    case.full_clean()
    case.phase = Phase.CLOSED
    case.closed_at = case.phase_changed_at = timezone.now()
    case.save()
    _record_transition(actor=actor, case=case, from_phase=Phase.COMPLETION, to_phase=Phase.CLOSED)
    audit_change(
        action=AuditAction.CASE_CLOSED,
        actor=actor,
        profile=profile,
        case=case,
        basis=Basis.COORDINATOR,
        extra={
            "criteria": request.criteria,
            "closure_request": request.pk,
            "approval_id": request.approval.pk,
            "requested_by": request.requested_by_id,
        },
    )
