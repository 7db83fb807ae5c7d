"""Reads for the plan history and the closure of a case the viewer already opened: they take
the ``CaseAccess`` from ``case_access`` (which checked and audited the read) instead of a
reference, so they cannot be reached without it."""

from __future__ import annotations

from ..models import ActionPlan, ClosureRequest
from .cases import CaseAccess, plan_versions


def earlier_plan_versions(access: CaseAccess) -> list[ActionPlan]:
    """Every version but the current one, newest first, with their actions; a carried-over
    action brings the version of its successor (for "overgenomen in versie N"). The case page
    has them from ``case_workspace`` already (``CaseWorkspace.earlier_plans``)."""
    return list(plan_versions(access.case))[1:]


def latest_closure_request(access: CaseAccess) -> ClosureRequest | None:
    """The newest closure request (waiting, confirmed or refused), with who asked and decided."""
    return (
        ClosureRequest.objects.filter(case=access.case)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
        .first()
    )
