"""The coordinators' list of cases "zonder regisseur" and who may take one over (see
``services.handover``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from portal.audit.events import AuditAction

from ..access import ActorProfile, profile_of
from ..models import Case, Membership, Phase
from ..services.handover import DIRECTOR_ROLES, directed_q
from ._audit import audit_read

LIMIT = 50


def cases_without_director(*, user: Any, profile: ActorProfile | None = None) -> list[Case]:
    """Open cases of the coordinator's regions whose director left; empty for anyone else.
    Recorded as a list view when it lists any. ``profile``: the user's, when the caller (the
    dashboard) built it for this request already; saves the membership query."""
    profile = profile_of(user, profile)
    if not profile.coordinator_regions:
        return []
    # no savepoint: inside the dashboard's transaction it needs none (two round trips)
    with transaction.atomic(savepoint=False):
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


def director_candidates(case: Case) -> list[Any]:
    """Who may take over as the case's director: active people with a director role in an
    active organisation of the case's region, the current director excepted, each once, by
    name. The caller has opened the case through ``case_access`` (audited)."""
    rows = (
        Membership.objects.filter(
            is_active=True,
            user__is_active=True,
            organisation__is_active=True,
            organisation__region=case.region,
            role__in=DIRECTOR_ROLES,
        )
        .exclude(user_id=case.case_director_id)
        .select_related("user")
        .order_by("user__full_name", "user_id")
    )
    return list({m.user_id: m.user for m in rows}.values())
