"""Closure with a "Nee": a written reason per "Nee", and a coordinator's confirmation.

Closing a case says the intensive case direction is over. When one of the five closure
criteria is answered "Nee" (for instance "Geen nieuw intrafamiliaal geweld: Nee"), that is a
judgement the case director should not make alone: ``case_close`` (services/cases.py) then
records a ``ClosureRequest`` instead of closing, and every other coordinator of the region is
notified. A coordinator who is neither the case director nor the one who asked confirms it (the
case closes with the answers, reasons and texts of the request) or refuses it with a reason
(the case stays in completion). While a request waits, the case neither closes another way nor
changes phase. Each step is audited; nothing is saved when a check fails.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction

from ..access import Basis, NotFoundOrNotAllowed, actor_profile, can_direct
from ..models import (
    CLOSURE_CRITERIA,
    Case,
    ClosureRequest,
    ClosureStatus,
    CriterionAnswer,
    Membership,
    Phase,
    Role,
)
from ._common import audit_change, require_case_right, require_open
from .notifications import Kind, notify

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
    return (
        profile.is_member
        and case.region in profile.coordinator_regions
        and profile.user.pk != case.case_director_id
    )


def _coordinators(case: Case, *, excluding: set[int]) -> Any:
    from portal.accounts.models import User

    ids = Membership.objects.filter(
        role=Role.COORDINATOR,
        is_active=True,
        organisation__is_active=True,
        organisation__region=case.region,
    ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).exclude(pk__in=excluding)


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
    """Ask a coordinator to confirm a closure with at least one "Nee" (called by
    ``case_close`` after its checks; checks again what a direct caller could skip)."""
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
    if CriterionAnswer.NO not in criteria.values():
        raise ValidationError(_("Zonder 'Nee' is er geen bevestiging nodig."))
    with transaction.atomic():
        case = _lock(case)
        if case.phase != Phase.COMPLETION:
            raise ValidationError(
                _("Alleen een dossier in de afrondingsfase kan afgesloten worden.")
            )
        require_no_pending_closure(case)
        coordinators = list(_coordinators(case, excluding={actor.pk, case.case_director_id}))
        if not coordinators:
            raise ValidationError(
                _(
                    "Er is in deze regio geen andere coördinator die de afsluiting kan "
                    "bevestigen. Neem contact op met Veilig Huis."
                )
            )
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
        link = reverse("collaboration:case_closure_decide", args=[case.reference])
        for coordinator in coordinators:
            notify(
                user=coordinator,
                kind=Kind.CLOSURE_PENDING,
                link=link,
                case_reference=case.reference,
            )
    return request


def closure_decide(*, actor: Any, case: Case, decision: str, note: str = "") -> ClosureRequest:
    """A coordinator of the region (not the case director, not the one who asked) confirms
    the waiting closure, which closes the case, or refuses it with a reason."""
    profile = actor_profile(actor)
    if not may_decide(profile, case):
        # recorded as denied, and refused like a missing case
        require_case_right(actor=actor, case=case, check=lambda _basis: False, what="closure")
    note = note.strip()
    if decision not in (CONFIRM, REFUSE):
        raise ValidationError({"decision": _("Kies bevestigen of weigeren.")})
    if decision == REFUSE and not note:
        raise ValidationError({"note": _("Schrijf waarom u de afsluiting weigert.")})
    with transaction.atomic():
        case = _lock(case)
        request = (
            ClosureRequest.objects.select_for_update()
            .filter(case=case, status=ClosureStatus.PENDING)
            .first()
        )
        if request is None:
            raise NotFoundOrNotAllowed
        if request.requested_by_id == actor.pk:
            raise ValidationError(
                {
                    "decision": _(
                        "U vroeg deze afsluiting zelf aan; een andere coördinator beslist erover."
                    )
                }
            )
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = note
        if decision == CONFIRM:
            _close(actor=actor, profile=profile, case=case, request=request)
        else:
            request.status = ClosureStatus.REFUSED
            audit_change(
                action=AuditAction.CASE_CHANGED,
                actor=actor,
                profile=profile,
                case=case,
                basis=Basis.COORDINATOR,
                object_type="closure_request",
                object_id=request.pk,
                extra={"change": "closure_refused"},
            )
        request.full_clean()
        request.save()
        told = {request.requested_by_id, case.case_director_id} - {actor.pk}
        from portal.accounts.models import User

        for user in User.objects.filter(pk__in=told, is_active=True):
            notify(
                user=user,
                kind=Kind.CLOSURE_DECIDED,
                link=reverse("collaboration:case_detail", args=[case.reference]),
                case_reference=case.reference,
            )
    return request


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
    request.status = ClosureStatus.CONFIRMED
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
            "requested_by": request.requested_by_id,
        },
    )
