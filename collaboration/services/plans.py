"""Plan versions that supersede, the plan's evaluation, and the guard before completion.

A new plan version takes over the open actions: each gets a successor in the new version and
closes as "overgenomen in versie N", pointing at it. So an action is open in one place only:
the dashboards, the "over tijd" marks and the reminders (which follow the chain's first action,
``Action.lineage_id``) count it once.

Execution moves on to completion only when the current plan was evaluated and every action of
it is done, not possible (with a reason, a database constraint) or carried over.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.audit.events import AuditAction

from ..access import can_direct
from ..models import Action, ActionPlan, ActionStatus, Case, Goal
from ._common import audit_change, require_case_right, require_open
from .cases import current_plan

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
