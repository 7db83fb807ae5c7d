"""Case life cycle: guarded phase transitions, closure with the five criteria, reopening, and
the people in a case (participants, family members)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction
from portal.audit.writer import record_event
from portal.security.sockets import close_user_sockets

from ..access import NotFoundOrNotAllowed, actor_profile, can_direct
from ..models import (
    CLOSURE_CRITERIA,
    Action,
    ActionPlan,
    BreakGlassAccess,
    Case,
    CaseParticipant,
    CriterionAnswer,
    EntryKind,
    FamilyMember,
    Membership,
    Phase,
    PhaseTransition,
    TimelineEntry,
)
from ._common import audit_change, require_case_right, require_open, retraction_reason
from .handover import require_director
from .legal_bases import require_sharing_basis
from .notifications import Kind, notify

# Forward moves and the one step back; closing and reopening have their own services.
ALLOWED_MOVES: dict[str, set[str]] = {
    Phase.EXPLORATION: {Phase.EXECUTION},
    Phase.EXECUTION: {Phase.COMPLETION},
    Phase.COMPLETION: {Phase.EXECUTION},
}
BREAK_GLASS_HOURS = 4


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def current_plan(case: Case) -> ActionPlan | None:
    return ActionPlan.objects.filter(case=case).order_by("-version").first()


def _check_plan_presented(case: Case) -> None:
    """The guard before execution: the current plan version has actions, was presented in
    team regie and was approved by a coordinator who is not the case director (four eyes)."""
    from .approvals import plan_is_approved

    plan = current_plan(case)
    if plan is None or plan.presented_in_team_on is None:
        raise ValidationError(
            _(
                "De uitvoeringsfase kan pas starten als het plan van aanpak in het team "
                "regie is voorgelegd."
            )
        )
    if not Action.objects.filter(goal__plan=plan).exists():
        raise ValidationError(_("Het plan van aanpak heeft nog geen acties."))
    if not plan_is_approved(plan):
        raise ValidationError(
            _(
                "De uitvoeringsfase kan pas starten als een coördinator (niet de "
                "casusregisseur) deze versie van het plan van aanpak goedkeurde."
            )
        )


def _record_transition(
    *, actor: Any, case: Case, from_phase: str, to_phase: str, reason: str = ""
) -> None:
    PhaseTransition.objects.create(
        case=case, from_phase=from_phase, to_phase=to_phase, actor=actor, reason=reason
    )
    TimelineEntry.objects.create(
        case=case,
        kind=EntryKind.PHASE,
        occurred_on=timezone.localdate(),
        title=_("Fase: %(phase)s") % {"phase": Phase(to_phase).label},
        body=reason,
        author=actor,
    )


def case_phase_change(*, actor: Any, case: Case, to_phase: str, reason: str = "") -> Case:
    """Move a case one phase on (or from completion back to execution), if its guard holds."""
    profile, basis = require_case_right(actor=actor, case=case, check=can_direct, what="phase")
    require_director(case)
    with transaction.atomic():
        case = _lock(case)
        require_open(case)
        if to_phase not in ALLOWED_MOVES.get(case.phase, set()):
            raise ValidationError({"to_phase": _("Deze faseovergang is niet mogelijk.")})
        if to_phase == Phase.EXECUTION:
            _check_plan_presented(case)
        if to_phase == Phase.COMPLETION:
            from .plans import require_ready_for_completion

            require_ready_for_completion(case)
        from .closure import require_no_pending_closure

        require_no_pending_closure(case, field="to_phase")
        from_phase = case.phase
        case.phase = to_phase
        case.phase_changed_at = timezone.now()
        case.save(update_fields=["phase", "phase_changed_at"])
        _record_transition(
            actor=actor, case=case, from_phase=from_phase, to_phase=to_phase, reason=reason.strip()
        )
        audit_change(
            action=AuditAction.CASE_PHASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            extra={"from": from_phase, "to": to_phase},
        )
    return case


def case_close(
    *,
    actor: Any,
    case: Case,
    criteria: dict[str, str],
    closing_summary: str,
    contact_card: str,
    reasons: dict[str, str] | None = None,
) -> Case:
    """Submit the closure of a case in completion: all five closure criteria answered (a
    "Nee" with a written reason in ``reasons``), a summary and the 'who to contact for what'
    card for the family. It does not close yet: every closure waits for the approval of a
    coordinator who is not the case director (services/closure.py, services/approvals.py),
    and the case stays in completion until then. Returns the case as it now stands."""
    require_case_right(actor=actor, case=case, check=can_direct, what="close")
    require_director(case)
    errors: dict[str, str] = {}
    for name, _label in CLOSURE_CRITERIA:
        if criteria.get(name) not in CriterionAnswer.values:
            errors[name] = _("Beantwoord dit afrondingscriterium.")
    from . import closure

    errors.update(closure.missing_reasons(criteria, reasons or {}))
    if not closing_summary.strip():
        errors["closing_summary"] = _("Schrijf een samenvatting bij de afsluiting.")
    if not contact_card.strip():
        errors["contact_card"] = _("Vul in bij wie het gezin voor wat terecht kan.")
    if errors:
        raise ValidationError(errors)
    closure.closure_request(
        actor=actor,
        case=case,
        criteria=criteria,
        reasons=reasons or {},
        closing_summary=closing_summary,
        contact_card=contact_card,
    )
    return Case.objects.get(pk=case.pk)


def case_reopen(*, actor: Any, case: Case, to_phase: str, incident: str) -> Case:
    """Reopen a closed case after a new incident, to exploration or execution."""
    profile, basis = require_case_right(actor=actor, case=case, check=can_direct, what="reopen")
    require_director(case)
    incident = incident.strip()
    errors: dict[str, str] = {}
    if to_phase not in (Phase.EXPLORATION, Phase.EXECUTION):
        errors["to_phase"] = _("Kies de exploratie- of de uitvoeringsfase.")
    if not incident:
        errors["incident"] = _("Beschrijf het nieuwe incident of de nieuwe bezorgdheid.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _lock(case)
        if case.phase != Phase.CLOSED:
            raise ValidationError(_("Alleen een afgesloten dossier kan heropend worden."))
        if to_phase == Phase.EXECUTION:
            _check_plan_presented(case)
        case.phase = to_phase
        case.phase_changed_at = timezone.now()
        case.closed_at = None
        case.reopen_count += 1
        case.save(update_fields=["phase", "phase_changed_at", "closed_at", "reopen_count"])
        _record_transition(
            actor=actor, case=case, from_phase=Phase.CLOSED, to_phase=to_phase, reason=incident
        )
        audit_change(
            action=AuditAction.CASE_REOPENED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            extra={"to": to_phase},
        )
    return case


def participant_add(
    *,
    actor: Any,
    case: Case,
    user: Any,
    organisation_id: int,
    role_in_case: str,
    task_division: str = "",
    legal_basis_id: int | None = None,
) -> CaseParticipant:
    """Assign a professional (an active member of the organisation) to the case, on a legal
    basis that covers their organisation (``legal_bases.require_sharing_basis``)."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_direct, what="participant_add"
    )
    require_open(case)
    membership = (
        Membership.objects.filter(
            user=user,
            organisation_id=organisation_id,
            is_active=True,
            organisation__is_active=True,
            user__is_active=True,
        )
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise ValidationError({"user": _("Deze persoon werkt niet (meer) voor die dienst.")})
    legal = require_sharing_basis(
        actor=actor,
        profile=profile,
        case=case,
        legal_basis_id=legal_basis_id,
        organisation_ids={organisation_id} - set(profile.organisation_ids),
        what="participant_add",
    )
    with transaction.atomic():
        participant, _created = CaseParticipant.objects.update_or_create(
            case=case,
            user=user,
            defaults={
                "organisation": membership.organisation,
                "role_in_case": role_in_case.strip(),
                "task_division": task_division.strip(),
                "is_active": True,
                "removed_at": None,
                "removed_by": None,
                "removal_reason": "",
                "legal_basis": legal,
            },
        )
        participant.full_clean()
        audit_change(
            action=AuditAction.CASE_PARTICIPANT_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            extra={
                "added_user_id": user.pk,
                "organisation_id": organisation_id,
                "legal_basis_id": legal.pk,
            },
        )
        notify(
            user=user,
            kind=Kind.ASSIGNMENT,
            link=reverse("collaboration:case_detail", args=[case.reference]),
            case_reference=case.reference,
        )
    return participant


def participant_remove(*, actor: Any, case: Case, participant_id: int, reason: str) -> None:
    """Take a professional out of the case with a reason (the case director or a coordinator
    of the region). The row stays, inactive, with who removed them, when and why; they lose
    access at once and their open sockets close after the commit. Another or an already removed
    participant is "not found"."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_direct, what="participant_remove"
    )
    require_open(case)
    reason = retraction_reason(reason)
    with transaction.atomic():
        participant = (
            CaseParticipant.objects.select_for_update()
            .filter(case=case, pk=participant_id, is_active=True)
            .first()
        )
        if participant is None:
            raise NotFoundOrNotAllowed
        participant.is_active = False
        participant.removed_at = timezone.now()
        participant.removed_by = actor
        participant.removal_reason = reason
        participant.save(update_fields=["is_active", "removed_at", "removed_by", "removal_reason"])
        audit_change(
            action=AuditAction.CASE_PERSON_REMOVED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            extra={
                "change": "participant_removed",
                "participant_id": participant.pk,
                "removed_user_id": participant.user_id,
            },
        )
        user_id = participant.user_id
        transaction.on_commit(lambda: close_user_sockets(user_id))


def family_member_add(
    *, actor: Any, case: Case, name: str, birth_year: int | None, family_role: str
) -> FamilyMember:
    profile, basis = require_case_right(actor=actor, case=case, check=can_direct, what="family")
    require_open(case)
    member = FamilyMember(
        case=case, name=name.strip(), birth_year=birth_year, family_role=family_role
    )
    if birth_year and birth_year > timezone.localdate().year:
        raise ValidationError({"birth_year": _("Het geboortejaar ligt in de toekomst.")})
    member.full_clean()
    with transaction.atomic():
        member.save()
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="family_member",
            object_id=member.pk,
            extra={"change": "family_member_added"},
        )
    return member


def family_member_remove(*, actor: Any, case: Case, member_id: int, reason: str) -> FamilyMember:
    """Remove a family member from the case's current lists with a reason (the case director or
    a coordinator of the region). The row stays, listed as removed with date and reason; the
    retention run anonymises or erases it with the case. Another or an already removed member
    is "not found"."""
    profile, basis = require_case_right(actor=actor, case=case, check=can_direct, what="family")
    require_open(case)
    reason = retraction_reason(reason)
    with transaction.atomic():
        member = (
            FamilyMember.objects.select_for_update()
            .filter(case=case, pk=member_id, removed_at__isnull=True)
            .first()
        )
        if member is None:
            raise NotFoundOrNotAllowed
        member.removed_at = timezone.now()
        member.removed_by = actor
        member.removal_reason = reason
        member.save(update_fields=["removed_at", "removed_by", "removal_reason"])
        audit_change(
            action=AuditAction.CASE_PERSON_REMOVED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="family_member",
            object_id=member.pk,
            extra={"change": "family_member_removed"},
        )
    return member


def break_the_glass(*, actor: Any, reference: str, justification: str) -> Case:
    """A privacy officer's time-limited emergency access to one case of their region. The
    justification is mandatory and the case director is alerted."""
    profile = actor_profile(actor)
    justification = justification.strip()
    if len(justification) < 20:
        raise ValidationError(
            {"justification": _("Schrijf een verantwoording van minstens 20 tekens.")}
        )
    case = Case.objects.filter(reference=reference.strip()).first()
    allowed = case is not None and case.region in profile.privacy_regions
    if not allowed or case is None:
        record_event(
            action=AuditAction.BREAK_THE_GLASS,
            actor=actor,
            outcome="denied",
            organisation=profile.label[:200],
            object_type="case",
            case_reference=reference[:40],
        )
        raise NotFoundOrNotAllowed
    with transaction.atomic():
        BreakGlassAccess.objects.create(
            case=case,
            user=actor,
            justification=justification,
            expires_at=timezone.now() + datetime.timedelta(hours=BREAK_GLASS_HOURS),
        )
        record_event(
            action=AuditAction.BREAK_THE_GLASS,
            actor=actor,
            organisation=profile.label[:200],
            role="privacy_officer",
            object_type="case",
            object_id=case.pk,
            case_reference=case.reference,
            purpose=justification,
        )
        notify(
            user=case.case_director,
            kind=Kind.BREAK_GLASS,
            link=reverse("collaboration:case_audit", args=[case.reference]),
            case_reference=case.reference,
        )
    return case
