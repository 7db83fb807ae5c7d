"""Reads about people and organisations that the collaboration pages need: whom a coordinator
or organisation admin manages, whom a form may offer, a person picked in a form.

No case content is read here, so nothing is recorded in the audit trail: memberships,
invitations and notifications are the actor's own working data (the audited case reads are in
``selectors.cases`` and ``selectors.case_forms``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from portal.accounts.models import User

from ..access import actor_profile
from ..models import Invitation, Membership, Notification, Organisation, Role

NOTIFICATION_LIMIT = 100


def managed_organisations(user: Any) -> QuerySet[Organisation]:
    """The active organisations ``user`` manages: every one of their coordinator regions, and
    those they administer. Lazy, so a page can test ``.exists()`` and filter on it."""
    profile = actor_profile(user)
    return Organisation.objects.filter(
        Q(region__in=profile.coordinator_regions) | Q(pk__in=profile.admin_organisation_ids),
        is_active=True,
    ).order_by("name")


def memberships_in(organisations: QuerySet[Organisation]) -> QuerySet[Membership]:
    """The active members of ``organisations``, with person and organisation, by name."""
    return (
        Membership.objects.filter(organisation__in=organisations, is_active=True)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )


def invitations_waiting_on_others(user: Any) -> list[Invitation]:
    """Invitations ``user`` sent that were accepted and still wait for another organisation's
    admin to approve them."""
    return list(
        Invitation.objects.filter(
            invited_by=user,
            needs_approval=True,
            approved_at__isnull=True,
            revoked_at__isnull=True,
            accepted_at__isnull=False,
        )
        .select_related("organisation", "accepted_user")
        .order_by("accepted_at")
    )


def active_membership(membership_id: int) -> Membership | None:
    """One active membership with its organisation and person (the caller checks
    ``services.members.may_manage``)."""
    return (
        Membership.objects.select_related("organisation", "user")
        .filter(pk=membership_id, is_active=True)
        .first()
    )


def notifications_of(user: Any) -> list[Notification]:
    """The newest notifications of ``user``, at most ``NOTIFICATION_LIMIT``."""
    return list(Notification.objects.filter(user=user)[:NOTIFICATION_LIMIT])


def organisations_of(profile: Any) -> QuerySet[Organisation]:
    """The organisations the actor is a member of, by name (a referral is sent for one)."""
    return Organisation.objects.filter(pk__in=profile.organisation_ids).order_by("name")


def active_organisations(*, region: str) -> QuerySet[Organisation]:
    """The active organisations of ``region``, by name (whom an entry may be shared with)."""
    return Organisation.objects.filter(is_active=True, region=region).order_by("name")


def directors_of_region(region: str) -> QuerySet[User]:
    """Active people who may direct a case in ``region``: case directors and coordinators of
    an active organisation there, each once, by name."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__organisation__is_active=True,
            memberships__organisation__region=region,
            memberships__role__in=[Role.CASE_DIRECTOR, Role.COORDINATOR],
        )
        .distinct()
        .order_by("full_name")
    )


def region_memberships(region: str) -> list[Membership]:
    """Active memberships of active people in active organisations of ``region``, one per
    person and organisation, by organisation and name (whom a case may add)."""
    memberships = (
        Membership.objects.filter(
            is_active=True,
            organisation__is_active=True,
            user__is_active=True,
            organisation__region=region,
        )
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )
    seen: set[tuple[int, int]] = set()
    unique = []
    for membership in memberships:
        if (membership.user_id, membership.organisation_id) not in seen:
            seen.add((membership.user_id, membership.organisation_id))
            unique.append(membership)
    return unique


def person(user_id: int | str | None) -> User | None:
    """The person a form picked by primary key (the form offered only allowed people; the
    service checks again), or None."""
    if not user_id:
        return None
    return User.objects.filter(pk=int(user_id)).first()
