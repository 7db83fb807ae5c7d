"""The coordinators' list of cases "zonder regisseur" (see ``services.handover``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from portal.audit.events import AuditAction

from ..access import actor_profile
from ..models import Case, Phase
from ..services.handover import directed_q
from ._audit import audit_read

LIMIT = 50


def cases_without_director(*, user: Any) -> list[Case]:
    """Open cases of the coordinator's regions whose director left; empty for anyone else.
    Recorded as a list view when it lists any."""
    profile = actor_profile(user)
    if not profile.coordinator_regions:
        return []
    with transaction.atomic():
        cases = list(
            Case.objects.filter(region__in=profile.coordinator_regions)
            .exclude(phase=Phase.CLOSED)
            .exclude(directed_q())
            .select_related("case_director")
            .order_by("opened_at", "pk")[:LIMIT]
        )
        if cases:
            audit_read(
                action=AuditAction.CASE_LIST_VIEWED,
                profile=profile,
                allowed=True,
                object_type="dashboard",
                purpose="cases_without_director",
                extra={"cases_listed": len(cases)},
            )
    return cases
