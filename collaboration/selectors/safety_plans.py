"""Reads for safety plans: one person's plan with its history, and the plan printed as a PDF
(recorded as printed); the case page's line per person comes with the family
(``selectors.safety_plan_summary``).

The functions take the ``CaseAccess`` of ``selectors.cases.case_access`` (access checked and
recorded first), except ``plan_for_print`` which opens the case itself. Everyone who sees the
case sees its safety plans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from portal.audit.events import AuditAction

from ..access import NotFoundOrNotAllowed
from ..models import SAFETY_PLAN_FIELDS, SAFETY_PLAN_LABELS, FamilyMember, SafetyPlan
from ._audit import audit_read
from .cases import CaseAccess, case_access


@dataclass
class PersonPlan:
    member: FamilyMember
    current: SafetyPlan | None
    history: list[SafetyPlan]


def person_plan(access: CaseAccess, member_id: int) -> PersonPlan | None:
    """One family member of the case with every version of their plan, newest first."""
    member = access.case.family_members.filter(pk=member_id, removed_at__isnull=True).first()
    if member is None:
        return None
    history = list(
        SafetyPlan.objects.filter(family_member=member)
        .select_related("saved_by")
        .order_by("-version")
    )
    return PersonPlan(member, history[0] if history else None, history)


def plan_parts(plan: SafetyPlan | None) -> list[tuple[str, str]]:
    """The plan's parts as (label, text), in order."""
    return [
        (str(SAFETY_PLAN_LABELS[name]), getattr(plan, name, "") or "")
        for name in SAFETY_PLAN_FIELDS
    ]


def plan_for_print(*, user: Any, reference: str, member_id: int) -> SafetyPlan | None:
    """The person's current plan to print (None: the empty form), recorded as printed;
    a person not in the case is "not found" (recorded as refused)."""
    access = case_access(user=user, reference=reference, purpose="safety_plan_pdf")
    with transaction.atomic():
        found = person_plan(access, member_id)
        audit_read(
            action=AuditAction.PRINTED,
            profile=access.profile,
            allowed=found is not None,
            object_type="safety_plan",
            object_id=found.current.pk if found and found.current else "",
            case_reference=access.case.reference,
            basis=str(access.basis),
            purpose="safety_plan_pdf",
            extra={"family_member": member_id, "version": found.current.version}
            if found and found.current
            else {"family_member": member_id},
        )
    if found is None:
        raise NotFoundOrNotAllowed
    return found.current
