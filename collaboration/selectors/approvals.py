"""Reads of the four-eyes approvals (issue 17, item 5): the history on the case page (taking
the ``CaseAccess`` that ``case_access`` checked and audited) and, for a coordinator's
dashboard, the approvals waiting for them (the dashboard's own read record covers it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..access import ActorProfile
from ..models import Approval, ApprovalStatus, ApprovalSubject, Phase
from .cases import CaseAccess

DASHBOARD_APPROVALS = 20


@dataclass
class CaseApprovals:
    """Every approval of a case, newest first, and what the page says about them."""

    history: list[Approval] = field(default_factory=list)
    plan: Approval | None = None  # the newest of the current plan version
    closure: Approval | None = None  # the newest closure approval
    can_decide: bool = False  # the viewer may decide a waiting one

    @property
    def plan_pending(self) -> bool:
        return self.plan is not None and self.plan.status == ApprovalStatus.PENDING

    @property
    def closure_pending(self) -> bool:
        return self.closure is not None and self.closure.status == ApprovalStatus.PENDING


def case_approvals(access: CaseAccess, current_plan_id: int | None) -> CaseApprovals:
    """One query: the approvals of the case with who asked and decided and the plan version."""
    from ..services.approvals import may_decide

    history = list(
        Approval.objects.filter(case=access.case)
        .select_related("requested_by", "decided_by", "plan")
        .order_by("-requested_at", "-pk")
    )
    plan = next(
        (a for a in history if a.subject == ApprovalSubject.PLAN and a.plan_id == current_plan_id),
        None,
    )
    closure = next((a for a in history if a.subject == ApprovalSubject.CLOSURE), None)
    return CaseApprovals(
        history=history,
        plan=plan,
        closure=closure,
        can_decide=may_decide(access.profile, access.case),
    )


def approvals_waiting_for(profile: ActorProfile) -> list[Approval]:
    """Waiting approvals in the regions ``profile`` coordinates that they may decide: not of
    a case they direct, not asked by themselves. One query; empty for anyone else."""
    if not profile.coordinator_regions:
        return []
    user = profile.user
    return list(
        Approval.objects.filter(
            status=ApprovalStatus.PENDING, case__region__in=profile.coordinator_regions
        )
        .exclude(case__case_director=user)
        .exclude(requested_by=user)
        .exclude(case__phase=Phase.CLOSED)
        .select_related("case", "requested_by", "plan")
        .order_by("requested_at", "pk")[:DASHBOARD_APPROVALS]
    )


def plan_for_approval(access: CaseAccess, plan_id: int) -> Any:
    """The plan version a coordinator decides on, with its goals and actions (two queries
    more), for the decision page; the caller already checked the right."""
    from django.db.models import Prefetch

    from ..models import Action, ActionPlan, Goal

    return (
        ActionPlan.objects.filter(case=access.case, pk=plan_id)
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.prefetch_related(
                    Prefetch(
                        "actions",
                        queryset=Action.objects.select_related("organisation", "responsible"),
                    )
                ),
            )
        )
        .first()
    )
