"""Plan versions that supersede, the plan's evaluation, and the guard before completion.

A new plan version takes over the open actions: each gets a successor in the new version and
closes as "overgenomen in versie N", pointing at it. So an action is open in one place only:
the dashboards, the "over tijd" marks and the reminders (which follow the chain's first action,
``Action.lineage_id``) count it once.

Execution moves on to completion only when the current plan was evaluated and every action of
it is done, not possible (with a reason, a database constraint) or carried over.

Also here: the exploration per life domain (``assessment_save``), the goals and actions of the
plan and their status, and the plan's presentation in the team.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.audit.events import AuditAction

from ..access import NotFoundOrNotAllowed, can_change_action, can_contribute, can_direct
from ..models import (
    Action,
    ActionPlan,
    ActionStatus,
    Case,
    CaseParticipant,
    DomainAssessment,
    Goal,
    LifeDomain,
)
from ._common import audit_change, require_case_right, require_open
from .cases import current_plan
from .handover import require_director
from .notifications import Kind, notify

# Statuses that let a plan's action count as finished for completion.
FINISHED = (ActionStatus.DONE, ActionStatus.NOT_POSSIBLE, ActionStatus.CARRIED_OVER)


def carry_over_open_actions(*, previous_goal: Goal, new_goal: Goal) -> list[Action]:
    """Give every open action of ``previous_goal`` a successor under ``new_goal`` and close it
    as carried over. Runs inside the caller's transaction (``plan_new_version``)."""
    successors = []
    for action in previous_goal.actions.filter(status=ActionStatus.OPEN).order_by("pk"):
        successor = Action.objects.create(
            goal=new_goal,
            case_id=action.case_id,
            description=action.description,
            organisation_id=action.organisation_id,
            responsible_id=action.responsible_id,
            due_date=action.due_date,
            origin_id=action.lineage_id,
        )
        action.status = ActionStatus.CARRIED_OVER
        action.carried_over_to = successor
        action.save(update_fields=["status", "carried_over_to"])
        successors.append(successor)
    return successors


def plan_evaluate(
    *, actor: Any, case: Case, evaluation: str, evaluated_on: datetime.date
) -> ActionPlan:
    """Record the evaluation of the current plan (what was reached, what not, why): the
    condition, with finished actions, for moving on to completion."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_direct, what="plan_evaluation"
    )
    require_open(case)
    evaluation = evaluation.strip()
    errors: dict[str, str] = {}
    if not evaluation:
        errors["evaluation"] = _("Schrijf wat het plan bereikt heeft en wat niet.")
    if evaluated_on > timezone.localdate():
        errors["evaluated_on"] = _("Deze datum ligt in de toekomst.")
    plan = current_plan(case)
    if plan is None:
        errors["evaluation"] = _("Er is nog geen plan van aanpak om te evalueren.")
    if errors or plan is None:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        plan.evaluation = evaluation
        plan.evaluated_on = evaluated_on
        plan.evaluated_by = actor
        plan.full_clean()
        plan.save(update_fields=["evaluation", "evaluated_on", "evaluated_by"])
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="plan",
            object_id=plan.pk,
            extra={"change": "plan_evaluated", "version": plan.version},
        )
    return plan


def completion_blockers(case: Case) -> list[str]:
    """What still stands between execution and completion, in Dutch (empty when nothing)."""
    plan = current_plan(case)
    problems: list[str] = []
    if plan is None or plan.evaluated_on is None:
        problems.append(
            _("Evalueer eerst het plan van aanpak (wat is bereikt, wat niet en waarom).")
        )
    unfinished = Action.objects.filter(case=case).exclude(status__in=FINISHED)
    if plan is not None:
        # in the current plan nothing may stay unfinished; in older versions only open ones
        # count (a "niet gedaan" there is history, its open ones were carried over)
        unfinished = unfinished.filter(goal__plan=plan) | Action.objects.filter(
            case=case, status=ActionStatus.OPEN
        )
    count = unfinished.distinct().count()
    if count:
        problems.append(
            ngettext(
                "Nog %(count)d actie is niet afgerond. Zet ze op 'gedaan' of 'niet mogelijk' "
                "(met reden), of neem ze over in een nieuwe versie van het plan.",
                "Nog %(count)d acties zijn niet afgerond. Zet ze op 'gedaan' of 'niet mogelijk' "
                "(met reden), of neem ze over in een nieuwe versie van het plan.",
                count,
            )
            % {"count": count}
        )
    return problems


def require_ready_for_completion(case: Case) -> None:
    """The execution -> completion guard; the errors belong to the phase field of the form."""
    problems = completion_blockers(case)
    if problems:
        raise ValidationError({"to_phase": problems})


def assessment_save(
    *,
    actor: Any,
    case: Case,
    domain: str,
    strengths: str = "",
    worries: str = "",
    concerns: str = "",
    wishes: str = "",
) -> DomainAssessment:
    """Exploration notes for one life domain (replaces the earlier text for that domain)."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_contribute, what="assessment"
    )
    require_open(case)
    if domain not in LifeDomain.values:
        raise ValidationError({"domain": _("Kies een levensdomein uit de lijst.")})
    with transaction.atomic():
        assessment = DomainAssessment.objects.filter(case=case, domain=domain).first()
        assessment = assessment or DomainAssessment(case=case, domain=domain)
        assessment.strengths = strengths.strip()
        assessment.worries = worries.strip()
        assessment.concerns = concerns.strip()
        assessment.wishes = wishes.strip()
        assessment.updated_by = actor
        assessment.full_clean()
        assessment.save()
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="assessment",
            object_id=assessment.pk,
            extra={"change": "assessment", "domain": domain},
        )
    return assessment


def _plan_for_edit(actor: Any, case: Case) -> ActionPlan:
    plan = current_plan(case)
    if plan is None:
        plan = ActionPlan.objects.create(case=case, version=1, created_by=actor)
    return plan


def plan_new_version(*, actor: Any, case: Case) -> ActionPlan:
    """Start a new version of the plan: goals and open actions are carried over (the old
    actions close as "overgenomen in versie N"); the new version still has to be presented
    in the team."""
    profile, basis = require_case_right(actor=actor, case=case, check=can_direct, what="plan")
    require_open(case)
    require_director(case)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        previous = current_plan(case)
        # a request that waited for the previous version lapses with it
        from .approvals import supersede_pending_plan_approval

        supersede_pending_plan_approval(case)
        plan = ActionPlan.objects.create(
            case=case, version=(previous.version + 1) if previous else 1, created_by=actor
        )
        carried = 0
        if previous is not None:
            for goal in previous.goals.prefetch_related("actions"):
                new_goal = Goal.objects.create(
                    plan=plan, domain=goal.domain, description=goal.description
                )
                # the open actions move: the old ones close as carried over
                carried += len(carry_over_open_actions(previous_goal=goal, new_goal=new_goal))
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="plan",
            object_id=plan.pk,
            extra={"change": "plan_version", "version": plan.version, "carried_over": carried},
        )
    return plan


def goal_add(*, actor: Any, case: Case, domain: str, description: str) -> Goal:
    profile, basis = require_case_right(actor=actor, case=case, check=can_direct, what="goal")
    require_open(case)
    require_director(case)
    with transaction.atomic():
        plan = _plan_for_edit(actor, case)
        goal = Goal(plan=plan, domain=domain, description=description.strip())
        goal.full_clean()
        goal.save()
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="goal",
            object_id=goal.pk,
            extra={"change": "goal_added"},
        )
    return goal


def _case_organisation_ids(case: Case) -> set[int]:
    return set(
        CaseParticipant.objects.filter(case=case, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )


def check_responsible(case: Case, organisation_id: int, responsible: Any | None) -> None:
    """The responsible person acts for the owning service (only its people change the action)
    or is the case director; shared by adding and correcting an action."""
    if responsible is not None and not (
        responsible.pk == case.case_director_id
        or CaseParticipant.objects.filter(
            case=case, user=responsible, organisation_id=organisation_id, is_active=True
        ).exists()
    ):
        raise ValidationError(
            {
                "responsible": _(
                    "Kies de casusregisseur of iemand die voor deze dienst bij het dossier "
                    "betrokken is."
                )
            }
        )


def action_add(
    *,
    actor: Any,
    case: Case,
    goal_id: int,
    description: str,
    organisation_id: int,
    responsible: Any | None,
    due_date: datetime.date | None,
) -> Action:
    """An action under a goal of the current plan, owned by a participating organisation."""
    profile, basis = require_case_right(actor=actor, case=case, check=can_direct, what="action")
    require_open(case)
    require_director(case)
    plan = current_plan(case)
    goal = Goal.objects.filter(pk=goal_id, plan=plan).first() if plan else None
    if goal is None:
        raise ValidationError({"goal": _("Kies een doel van het huidige plan.")})
    if organisation_id not in _case_organisation_ids(case):
        raise ValidationError(
            {"organisation": _("Kies een dienst die bij het dossier betrokken is.")}
        )
    check_responsible(case, organisation_id, responsible)
    action = Action(
        goal=goal,
        case=case,
        description=description.strip(),
        organisation_id=organisation_id,
        responsible=responsible,
        due_date=due_date,
    )
    action.full_clean()
    with transaction.atomic():
        action.save()
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="action",
            object_id=action.pk,
            extra={"change": "action_added"},
        )
        if responsible is not None and responsible.pk != actor.pk:
            notify(
                user=responsible,
                kind=Kind.ASSIGNMENT,
                link=reverse("collaboration:case_detail", args=[case.reference]),
                case_reference=case.reference,
            )
    return action


def action_status_set(
    *, actor: Any, case: Case, action_id: int, status: str, reason: str = ""
) -> Action:
    """Update an action's status: a participant acting for the owning organisation, the case
    director or a coordinator (anyone else: not found, recorded as denied). 'Not possible'
    needs a reason; a carried-over action is closed and changes in its successor."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_contribute, what="action_status"
    )
    require_open(case)
    action = Action.objects.filter(case=case, pk=action_id).select_related("case").first()
    if action is None or not can_change_action(profile, basis, action):
        # recorded as denied, and refused exactly like a missing action
        require_case_right(actor=actor, case=case, check=lambda _basis: False, what="action")
        raise NotFoundOrNotAllowed
    if action.status == ActionStatus.CARRIED_OVER:
        raise ValidationError(
            {"status": _("Deze actie is overgenomen in een nieuwe versie; werk die bij.")}
        )
    if status not in ActionStatus.values or status == ActionStatus.CARRIED_OVER:
        raise ValidationError({"status": _("Kies een status uit de lijst.")})
    if status == ActionStatus.NOT_POSSIBLE and not reason.strip():
        raise ValidationError({"reason": _("Geef aan waarom de actie niet mogelijk is.")})
    with transaction.atomic():
        action.status = status
        action.status_reason = reason.strip()
        action.full_clean()
        action.save(update_fields=["status", "status_reason"])
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="action",
            object_id=action.pk,
            extra={"change": "action_status", "status": status},
        )
    return action


def plan_mark_presented(*, actor: Any, case: Case, presented_on: datetime.date) -> ActionPlan:
    """Record that the current plan was presented in the team (team regie) and ask a
    coordinator who is not the case director to approve this version (services/approvals.py).
    After a refusal the director changes the plan and presents it again: a new request."""
    from .approvals import approval_request, plan_is_approved

    profile, basis = require_case_right(
        actor=actor, case=case, check=can_direct, what="plan_presented"
    )
    require_open(case)
    plan = current_plan(case)
    if plan is None or not Action.objects.filter(goal__plan=plan).exists():
        raise ValidationError(_("Voeg eerst doelen en acties toe aan het plan van aanpak."))
    if presented_on > timezone.localdate():
        raise ValidationError({"presented_on": _("Deze datum ligt in de toekomst.")})
    if plan_is_approved(plan):
        raise ValidationError(
            _(
                "Deze versie van het plan is al goedgekeurd. Maak een nieuwe versie om het plan "
                "opnieuw voor te leggen."
            )
        )
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        plan.presented_in_team_on = presented_on
        plan.save(update_fields=["presented_in_team_on"])
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="plan",
            object_id=plan.pk,
            extra={"change": "plan_presented", "version": plan.version},
        )
        approval_request(actor=actor, profile=profile, basis=basis, case=case, plan=plan)
    return plan
