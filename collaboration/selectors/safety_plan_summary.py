"""The case page's line per family member on their safety plan, annotated onto the family
query the workspace makes anyway (``selectors.cases.case_workspace``): no query of its own."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from ..models import FamilyMember, SafetyPlan


def with_safety_plan(members: QuerySet[FamilyMember]) -> QuerySet[FamilyMember]:
    """Each member with ``plan_version``, ``plan_saved_at`` and ``plan_saved_by`` (the name)
    of their current safety plan, all None without one."""
    current = SafetyPlan.objects.filter(family_member=OuterRef("pk"), is_current=True)
    return members.annotate(
        plan_version=Subquery(current.values("version")[:1]),
        plan_saved_at=Subquery(current.values("saved_at")[:1]),
        plan_saved_by=Subquery(current.values("saved_by__full_name")[:1]),
    )
