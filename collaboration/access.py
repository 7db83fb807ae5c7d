"""The access rule of case data, in one place.

A user sees a case when assigned to it (case director, or active participant) or as coordinator
of its region, and only while they hold an active membership of an active organisation. Privacy
officers see audit trails, not content, unless they break the glass for one case (time-limited,
justified, the case director is alerted). Selectors and services both ask this module; neither
grants access by itself.

Restricted timeline entries and documents are shown to their author, to the case director (the
single point of contact who keeps the overview), to holders of an active break-glass grant, and
to people whose organisation, or its sector, is in the entry's audience.

A participant's service sees an entry or a document only when the legal basis it was shared on
covers that service (``covered_by_basis_q``): a service added later on another basis does not
see what was shared before it came, and one added after a consent was withdrawn does not
receive what was shared under it. The case director and the region's coordinators (Veilig
Huis, under its own mandate) are not filtered by it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import (
    Audience,
    BreakGlassAccess,
    Case,
    CaseParticipant,
    LegalBasis,
    Membership,
    Role,
    Visibility,
)


class NotFoundOrNotAllowed(Http404):
    """Raised for a missing object and for a forbidden one alike: the caller cannot tell."""


class Basis(enum.StrEnum):
    """Why a user may see a case; recorded in the audit trail."""

    CASE_DIRECTOR = "case_director"
    PARTICIPANT = "participant"
    COORDINATOR = "coordinator"
    BREAK_THE_GLASS = "break_the_glass"


@dataclass(frozen=True)
class ActorProfile:
    """A user's active memberships, condensed; built with one query."""

    user: Any
    organisation_ids: frozenset[int]
    sectors: frozenset[str]
    roles: frozenset[str]
    coordinator_regions: frozenset[str]
    privacy_regions: frozenset[str]
    case_director_regions: frozenset[str]
    admin_organisation_ids: frozenset[int]
    label: str

    @property
    def is_member(self) -> bool:
        return bool(self.organisation_ids)

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinator_regions)

    @property
    def is_privacy_officer(self) -> bool:
        return bool(self.privacy_regions)


def actor_profile(user: Any) -> ActorProfile:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ActorProfile(
            user,
            frozenset(),
            frozenset(),
            frozenset(),
            frozenset(),
            frozenset(),
            frozenset(),
            frozenset(),
            "",
        )
    rows = list(
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .order_by("organisation__name", "role")
        .values_list(
            "organisation_id",
            "organisation__sector",
            "organisation__region",
            "role",
            "organisation__name",
        )
    )

    def regions_for(role: str) -> frozenset[str]:
        return frozenset(region for _o, _s, region, r, _n in rows if r == role)

    profile = ActorProfile(
        user=user,
        organisation_ids=frozenset(r[0] for r in rows),
        sectors=frozenset(r[1] for r in rows),
        roles=frozenset(r[3] for r in rows),
        coordinator_regions=regions_for(Role.COORDINATOR),
        privacy_regions=regions_for(Role.PRIVACY_OFFICER),
        case_director_regions=regions_for(Role.CASE_DIRECTOR),
        admin_organisation_ids=frozenset(r[0] for r in rows if r[3] == Role.ORGANISATION_ADMIN),
        label=", ".join(sorted({r[4] for r in rows})),
    )
    return profile


def profile_of(user: Any, profile: ActorProfile | None) -> ActorProfile:
    """``profile`` if it is ``user``'s (built earlier in the same request), else a fresh one.

    Lets one page build the profile once for its several selectors (one membership query
    instead of one per selector) without a selector ever trusting a profile of someone else.
    """
    if profile is not None and profile.user is user:
        return profile
    return actor_profile(user)


def _active_participation(user: Any) -> Exists:
    return Exists(CaseParticipant.objects.filter(case=OuterRef("pk"), user=user, is_active=True))


def _active_break_glass(user: Any) -> Exists:
    return Exists(
        BreakGlassAccess.objects.filter(
            case=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
        )
    )


def visible_cases_q(profile: ActorProfile) -> Q:
    user = profile.user
    condition = Q(case_director=user) | Q(_active_participation(user))
    if profile.coordinator_regions:
        condition |= Q(region__in=profile.coordinator_regions)
    if profile.privacy_regions:
        condition |= Q(_active_break_glass(user))
    return condition


def visible_cases(profile: ActorProfile) -> QuerySet[Case]:
    """Every case ``profile`` may see; empty for anyone without an active membership."""
    if not profile.is_member:
        return Case.objects.none()
    return Case.objects.filter(visible_cases_q(profile))


def case_basis(profile: ActorProfile, case: Case) -> Basis | None:
    """Why ``profile`` may see ``case``, or None. A few small queries at most."""
    if not profile.is_member:
        return None
    user = profile.user
    if case.case_director_id == user.pk:
        return Basis.CASE_DIRECTOR
    if CaseParticipant.objects.filter(case=case, user=user, is_active=True).exists():
        return Basis.PARTICIPANT
    if case.region in profile.coordinator_regions:
        return Basis.COORDINATOR
    if (
        case.region in profile.privacy_regions
        and BreakGlassAccess.objects.filter(
            case=case, user=user, expires_at__gt=timezone.now()
        ).exists()
    ):
        return Basis.BREAK_THE_GLASS
    return None


def can_direct(basis: Basis | None) -> bool:
    """Phase changes, plan, participants, family, closure: the case director and coordinators."""
    return basis in (Basis.CASE_DIRECTOR, Basis.COORDINATOR)


def can_contribute(basis: Basis | None) -> bool:
    """Timeline entries, documents, exploration notes: everyone assigned to the case."""
    return basis in (Basis.CASE_DIRECTOR, Basis.COORDINATOR, Basis.PARTICIPANT)


def can_retract(profile: ActorProfile, basis: Basis | None, author_id: int | None) -> bool:
    """A timeline entry or document is retracted by its author (while assigned to the case),
    the case director or a coordinator of the region; the caller checks it is visible to them."""
    if can_direct(basis):
        return True
    return can_contribute(basis) and author_id == profile.user.pk


def restricted_item_q(profile: ActorProfile, *, author_field: str = "author") -> Q:
    """Visibility filter for timeline entries (and, with ``uploaded_by``, documents)."""
    target = "entry" if author_field == "author" else "document"
    grant = Audience.objects.filter(**{target: OuterRef("pk")}).filter(
        Q(organisation_id__in=profile.organisation_ids) | Q(sector__in=profile.sectors)
    )
    return Q(visibility=Visibility.ALL) | Q(**{author_field: profile.user}) | Q(Exists(grant))


def covered_by_basis_q(profile: ActorProfile, *, author_field: str = "author") -> Q:
    """Entries or documents (``author_field`` "uploaded_by") whose legal basis covers one of
    ``profile``'s services; under a basis that has ended, only for someone who took part in
    the case before it ended. Rows from before the register (no basis) and the viewer's own
    stay visible."""
    covers = LegalBasis.organisations.through.objects.filter(
        legalbasis_id=OuterRef("legal_basis_id"), organisation_id__in=profile.organisation_ids
    )
    joined_before_end = CaseParticipant.objects.filter(
        case_id=OuterRef("case_id"),
        user=profile.user,
        added_at__lt=OuterRef("legal_basis__ended_at"),
    )
    still_or_before = Q(legal_basis__ended_at__isnull=True) | Q(Exists(joined_before_end))
    return (
        Q(legal_basis__isnull=True)
        | Q(**{author_field: profile.user})
        | (Q(Exists(covers)) & still_or_before)
    )


def sees_everything_in(basis: Basis | None) -> bool:
    return basis in (Basis.CASE_DIRECTOR, Basis.BREAK_THE_GLASS)


def action_organisation_ids(profile: ActorProfile, case: Case) -> frozenset[int]:
    """The services ``profile`` acts for in ``case``: the organisations of its active
    participations there that it is still an active member of."""
    if not profile.is_member:
        return frozenset()
    return frozenset(
        CaseParticipant.objects.filter(
            case=case,
            user=profile.user,
            is_active=True,
            organisation_id__in=profile.organisation_ids,
        ).values_list("organisation_id", flat=True)
    )


def can_change_action(profile: ActorProfile, basis: Basis | None, action: Any) -> bool:
    """An action is changed by the case director, a coordinator of the region, or a participant
    acting for the organisation that owns it; nobody else (not even another participant)."""
    if can_direct(basis):
        return True
    if basis != Basis.PARTICIPANT:
        return False
    return action.organisation_id in action_organisation_ids(profile, action.case)
