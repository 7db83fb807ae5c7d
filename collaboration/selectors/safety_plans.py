"""Reads for safety plans: one person's plan with its history, and the plan printed as a PDF
(recorded as printed); the case page's line per person comes with the family
(``selectors.safety_plan_summary``).

The functions take the ``CaseAccess`` of ``selectors.cases.case_access`` (access checked and
recorded first), except ``plan_for_print`` which opens the case itself. Every version is shared
on a legal basis: a participant sees only the versions whose basis covers their service
(``safety_plan_summary.plans_seen_by``); the case director and the coordinators see them all.
When the current version is not shared with the viewer, there is no current plan for them:
not the older version they do see (it may be outdated and dangerous to follow), no edit (a new
version would be built on one they never saw), and no PDF (refused as "not found")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from portal.audit.events import AuditAction

from ..access import NotFoundOrNotAllowed
from ..models import SAFETY_PLAN_FIELDS, SAFETY_PLAN_LABELS, FamilyMember, SafetyPlan
from ._audit import audit_read
from .cases import CaseAccess, case_access
from .safety_plan_summary import plans_seen_by


@dataclass
class PersonPlan:
    member: FamilyMember
    current: SafetyPlan | None
    history: list[SafetyPlan]
    # the current version exists but is not shared with the viewer's service
    current_hidden: bool = False


def person_plan(access: CaseAccess, member_id: int) -> PersonPlan | None:
    """One family member of the case with the versions of their plan the viewer sees, newest
    first; ``current`` only when the current version is one of them."""
    member = access.case.family_members.filter(pk=member_id, removed_at__isnull=True).first()
    if member is None:
        return None
    versions = SafetyPlan.objects.filter(family_member=member)
    history = list(
        plans_seen_by(versions, basis=access.basis, profile=access.profile)
        .select_related("saved_by", "legal_basis")
        .order_by("-version")
    )
    current = history[0] if history and history[0].is_current else None
    hidden = current is None and versions.filter(is_current=True).exists()
    return PersonPlan(member, current, history, current_hidden=hidden)


def plan_parts(plan: SafetyPlan | None) -> list[tuple[str, str]]:
    """The plan's parts as (label, text), in order."""
    return [
        (str(SAFETY_PLAN_LABELS[name]), getattr(plan, name, "") or "")
        for name in SAFETY_PLAN_FIELDS
    ]


def plan_for_print(*, user: Any, reference: str, member_id: int) -> SafetyPlan | None:
    """The person's current plan to print (None: the empty form), recorded as printed with the
    basis it was shared on; a person not in the case, and a current plan not shared with the
    viewer's service, are "not found" alike (recorded as refused, without the version)."""
    access = case_access(user=user, reference=reference, purpose="safety_plan_pdf")
    with transaction.atomic():
        found = person_plan(access, member_id)
        allowed = found is not None and not found.current_hidden
        current = found.current if found is not None and allowed else None
        extra: dict[str, Any] = {"family_member": member_id}
        if current is not None:
            extra |= {"version": current.version, "legal_basis_id": current.legal_basis_id}
        audit_read(
            action=AuditAction.PRINTED,
            profile=access.profile,
            allowed=allowed,
            object_type="safety_plan",
            object_id=current.pk if current is not None else "",
            case_reference=access.case.reference,
            basis=str(access.basis),
            purpose="safety_plan_pdf",
            extra=extra,
        )
    if not allowed:
        raise NotFoundOrNotAllowed
    return current
