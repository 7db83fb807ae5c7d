"""Reads of the subject-access pages (/audit/inzage/), so the views hold no query.

Every function here takes what the caller already obtained through the access check
(``services.request_for``, ``services.case_for_officer``: a privacy officer of the request's
region; recorded there), and reads only inside it: the request's own held items, the person's
own rectification requests, their case's restrictions and timeline.
"""

from __future__ import annotations

from typing import Any

from ..models import (
    Case,
    FamilyMember,
    ProcessingRestriction,
    RectificationRequest,
    SubjectAccessHeldItem,
    SubjectAccessRequest,
    SubjectAccessStatus,
    TimelineEntry,
)
from .services import requests_for


def requests_page_for(
    user: Any, *, released: int = 50
) -> tuple[list[SubjectAccessRequest], list[SubjectAccessRequest]]:
    """The list page: every open request of ``user``'s regions, and the ``released`` most
    recently released ones."""
    requests = requests_for(user)
    open_requests = list(requests.exclude(status=SubjectAccessStatus.RELEASED))
    done = requests.filter(status=SubjectAccessStatus.RELEASED).order_by("-released_at")
    return open_requests, list(done[:released])


def family_members_of(case: Case) -> list[FamilyMember]:
    return list(case.family_members.all())


def family_member_of(case: Case, member_id: int) -> FamilyMember | None:
    """One family member of ``case`` (a posted choice), or None."""
    return FamilyMember.objects.filter(case=case, pk=member_id).first()


def held_items_of(sar: SubjectAccessRequest) -> list[SubjectAccessHeldItem]:
    return list(sar.held_items.select_related("decided_by"))


def has_held_item(sar: SubjectAccessRequest, item_id: int) -> bool:
    return sar.held_items.filter(pk=item_id).exists()


def rectification_count(sar: SubjectAccessRequest) -> int:
    return RectificationRequest.objects.filter(subject_access=sar).count()


def timeline_entries_of(case: Case) -> list[TimelineEntry]:
    """The case's timeline, newest first: what a rectification or restriction may be about."""
    return list(TimelineEntry.objects.filter(case=case).order_by("-occurred_on", "-id"))


def rectifications_of(member: FamilyMember) -> list[RectificationRequest]:
    return list(
        RectificationRequest.objects.filter(family_member=member).select_related(
            "timeline_entry", "correction", "restriction"
        )
    )


def restrictions_of(case: Case) -> list[ProcessingRestriction]:
    return list(ProcessingRestriction.objects.filter(case=case).select_related("timeline_entry"))


def is_rectification_of(member: FamilyMember, rectification_id: int) -> bool:
    return RectificationRequest.objects.filter(pk=rectification_id, family_member=member).exists()


def is_restriction_of(case: Case, restriction_id: int) -> bool:
    return ProcessingRestriction.objects.filter(pk=restriction_id, case=case).exists()
