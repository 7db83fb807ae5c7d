"""Referral and consult reads: coordinators of the region, and the referrer for their own."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from portal.audit.events import AuditAction

from ..access import ActorProfile, NotFoundOrNotAllowed, actor_profile
from ..models import ConsultRequest, ConsultStatus, Referral, ReferralStatus
from ._audit import audit_read


def referral_access(*, user: Any, referral_id: int) -> tuple[Referral, ActorProfile]:
    profile = actor_profile(user)
    with transaction.atomic():
        referral = (
            Referral.objects.select_related("referrer", "referring_organisation", "decided_by")
            .filter(pk=referral_id)
            .first()
            if profile.is_member
            else None
        )
        allowed = referral is not None and (
            referral.region in profile.coordinator_regions or referral.referrer_id == user.pk
        )
        audit_read(
            action=AuditAction.REFERRAL_VIEWED,
            profile=profile,
            allowed=allowed,
            object_type="referral",
            object_id=referral_id,
        )
    if not allowed or referral is None:
        raise NotFoundOrNotAllowed
    return referral, profile


def referral_list(*, user: Any) -> tuple[list[Referral], list[Referral]]:
    """(awaiting a decision in my regions, referrals I made)."""
    profile = actor_profile(user)
    if not profile.is_member:
        return [], []
    with transaction.atomic():
        pending: list[Referral] = []
        if profile.coordinator_regions:
            pending = list(
                Referral.objects.filter(
                    region__in=profile.coordinator_regions, status=ReferralStatus.SUBMITTED
                )
                .select_related("referring_organisation", "referrer")
                .order_by("created_at")[:200]
            )
        mine = list(
            Referral.objects.filter(referrer=user)
            .select_related("referring_organisation")
            .order_by("-created_at")[:100]
        )
        audit_read(
            action=AuditAction.CASE_LIST_VIEWED,
            profile=profile,
            allowed=True,
            object_type="referral_list",
            extra={"pending": len(pending), "mine": len(mine)},
        )
    return pending, mine


def consult_inbox(*, user: Any, status: str = "") -> list[ConsultRequest]:
    """Consult questions of the coordinator's regions; nothing for anyone else (404 in views)."""
    profile = actor_profile(user)
    if not profile.coordinator_regions:
        audit_read(
            action=AuditAction.CASE_LIST_VIEWED,
            profile=profile,
            allowed=False,
            object_type="consult_inbox",
        )
        raise NotFoundOrNotAllowed
    qs: QuerySet[ConsultRequest] = ConsultRequest.objects.filter(
        region__in=profile.coordinator_regions
    )
    if status in ConsultStatus.values:
        qs = qs.filter(status=status)
    with transaction.atomic():
        items = list(qs.select_related("answered_by").order_by("-created_at")[:200])
        audit_read(
            action=AuditAction.CASE_LIST_VIEWED,
            profile=profile,
            allowed=True,
            object_type="consult_inbox",
            extra={"listed": len(items), "shown": [item.pk for item in items]},
        )
    return items


def consult_access(*, user: Any, consult_id: int) -> tuple[ConsultRequest, ActorProfile]:
    profile = actor_profile(user)
    with transaction.atomic():
        consult = (
            ConsultRequest.objects.select_related("answered_by").filter(pk=consult_id).first()
            if profile.coordinator_regions
            else None
        )
        allowed = consult is not None and consult.region in profile.coordinator_regions
        audit_read(
            action=AuditAction.CONSULT_VIEWED,
            profile=profile,
            allowed=allowed,
            object_type="consult",
            object_id=consult_id,
        )
    if not allowed or consult is None:
        raise NotFoundOrNotAllowed
    return consult, profile
