"""The case page's line per family member on their safety plan, annotated onto the family
query the workspace makes anyway (``selectors.cases.case_workspace``): no query of its own.

Which versions of a plan a viewer sees is decided here too (``plans_seen_by``), so the line,
the person's plan page, the PDF and the save all apply the same rule: a version is shared on
a legal basis like a timeline entry, and a participant's service sees it only when that basis
covers it (``access.covered_by_basis_q``). The case director, a holder of a break-glass grant
and the region's coordinators (Veilig Huis, under its own mandate) see every version, as they
see every entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from ..access import ActorProfile, Basis, covered_by_basis_q, sees_everything_in
from ..models import FamilyMember, SafetyPlan

if TYPE_CHECKING:  # selectors.cases imports this module
    from .cases import CaseAccess


def plans_seen_by(
    plans: QuerySet[SafetyPlan], *, basis: Basis | None, profile: ActorProfile
) -> QuerySet[SafetyPlan]:
    """The versions in ``plans`` that someone seeing the case on ``basis`` may read: for a
    participant only those shared on a basis covering their service (and their own, and those
    saved before plans named a basis), as ``selectors.cases`` filters entries."""
    if sees_everything_in(basis) or basis != Basis.PARTICIPANT:
        return plans
    return plans.filter(covered_by_basis_q(profile, author_field="saved_by"))


def with_safety_plan(members: QuerySet[FamilyMember], access: CaseAccess) -> QuerySet[FamilyMember]:
    """Each member with ``plan_version``, ``plan_saved_at`` and ``plan_saved_by`` (the name)
    of their current safety plan if the viewer sees it, all None otherwise; ``plan_hidden``
    is true when the current version exists but is not shared with the viewer's service (the
    line then offers no edit: a new version would be built on one they never saw)."""
    current = SafetyPlan.objects.filter(family_member=OuterRef("pk"), is_current=True)
    seen = plans_seen_by(current, basis=access.basis, profile=access.profile)
    return members.annotate(
        plan_version=Subquery(seen.values("version")[:1]),
        plan_saved_at=Subquery(seen.values("saved_at")[:1]),
        plan_saved_by=Subquery(seen.values("saved_by__full_name")[:1]),
        plan_hidden=Exists(current) & ~Exists(seen),
    )
