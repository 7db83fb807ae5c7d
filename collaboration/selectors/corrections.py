"""Reads for corrections: the one item a person may correct, and the correction history of
the items a page shows.

``correctable`` takes the ``CaseAccess`` of ``selectors.cases.case_access`` (access checked
and recorded first) and answers None for an item that is not there, not visible to the viewer,
not theirs to correct, removed or retracted: the view turns None into "not found". The history
of corrections a page shows comes from ``correction_history``."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model

from ..access import can_change_action, can_direct
from ..models import ActionPlan, ActionStatus, CorrectedKind, Goal
from .case_forms import (
    case_action,
    case_family_member,
    case_participant,
    retractable_document,
    retractable_entry,
)
from .cases import CaseAccess


def _family_member(access: CaseAccess, pk: int) -> Model | None:
    return case_family_member(access, pk) if can_direct(access.basis) else None


def _participant(access: CaseAccess, pk: int) -> Model | None:
    return case_participant(access, pk) if can_direct(access.basis) else None


def _goal(access: CaseAccess, pk: int) -> Model | None:
    """A goal of the current plan version (earlier versions are history, not corrected)."""
    if not can_direct(access.basis):
        return None
    plan = ActionPlan.objects.filter(case=access.case).order_by("-version").first()
    return Goal.objects.filter(plan=plan, pk=pk).first() if plan else None


def _action(access: CaseAccess, pk: int) -> Model | None:
    """An action of the current plan version the viewer may change
    (``access.can_change_action``), not carried over; earlier versions are history, as for
    goals (their section shows no correction history)."""
    action = case_action(access, pk)
    if action is None or action.status == ActionStatus.CARRIED_OVER:
        return None
    plan = ActionPlan.objects.filter(case=access.case).order_by("-version").first()
    if plan is None or action.goal.plan_id != plan.pk:
        return None
    return action if can_change_action(access.profile, access.basis, action) else None


LOCATORS: dict[str, Callable[[CaseAccess, int], Model | None]] = {
    CorrectedKind.FAMILY_MEMBER: _family_member,
    CorrectedKind.PARTICIPANT: _participant,
    CorrectedKind.GOAL: _goal,
    CorrectedKind.ACTION: _action,
    CorrectedKind.TIMELINE_ENTRY: retractable_entry,
    CorrectedKind.DOCUMENT: retractable_document,
}


def correctable(access: CaseAccess, kind: str, object_id: int) -> Model | None:
    """The item of ``kind`` the viewer may correct, or None."""
    if access.basis is None or kind not in LOCATORS:
        return None
    return LOCATORS[kind](access, object_id)
