"""Reads for flags (signalen): the flags of a case page with their receipts, the one flag a
person may acknowledge or remove, and the flags on a person's dashboard they have not seen.

The case-page and form reads take the ``CaseAccess`` of ``selectors.cases.case_access`` (access
checked and recorded first): a flag of another case, a removed one (for acknowledging and
removing) or one the viewer may not remove is None, which the caller turns into "not found".
Everyone who sees the case sees its flags (a flag is a warning to all who work on it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from ..access import ActorProfile, can_direct, can_retract
from ..models import CaseParticipant, FamilyMember, Flag, FlagReceipt, Phase

if TYPE_CHECKING:  # selectors.cases imports this module for the case page and dashboard
    from .cases import CaseAccess

DASHBOARD_FLAGS = 20


def may_remove(access: CaseAccess, flag: Flag) -> bool:
    """The case director, a coordinator of the region, or the person who raised it (while
    assigned to the case)."""
    return can_retract(access.profile, access.basis, flag.raised_by_id)


def _flags(access: CaseAccess) -> QuerySet[Flag]:
    return Flag.objects.filter(case=access.case).select_related(
        "raised_by", "removed_by", "family_member"
    )


def active_flag(access: CaseAccess, flag_id: int) -> Flag | None:
    """A flag of the case that is not removed, or None."""
    return _flags(access).filter(pk=flag_id, removed_at__isnull=True).first()


def removable_flag(access: CaseAccess, flag_id: int) -> Flag | None:
    """An active flag of the case the viewer may remove, or None."""
    flag = active_flag(access, flag_id)
    return flag if flag is not None and may_remove(access, flag) else None


@dataclass
class CaseFlags:
    """The flags of one case page. Each active flag carries ``receipt`` (the viewer's own, or
    None), ``can_remove`` and, for the director and coordinators, ``seen`` (receipts) and
    ``not_seen`` (people of the case who have not acknowledged it yet)."""

    active: list[Flag] = field(default_factory=list)
    removed: list[Flag] = field(default_factory=list)
    shows_receipts: bool = False

    @property
    def unseen(self) -> list[Flag]:
        return [
            f
            for f in self.active
            if getattr(f, "receipt", None) is None and not getattr(f, "raised_by_me", False)
        ]


def case_flags(access: CaseAccess, *, participants: list[CaseParticipant]) -> CaseFlags:
    """Two queries whatever the number of flags and receipts. ``participants`` are the case's
    active participants, as the case page already has them (with their users)."""
    flags = list(
        _flags(access).prefetch_related(
            Prefetch("receipts", queryset=FlagReceipt.objects.select_related("user"))
        )
    )
    viewer = access.profile.user.pk
    shows_receipts = can_direct(access.basis)
    people: dict[int, Any] = {p.user_id: p.user for p in participants}
    people.setdefault(access.case.case_director_id, access.case.case_director)
    result = CaseFlags(shows_receipts=shows_receipts)
    for flag in flags:
        receipts = list(flag.receipts.all())
        flag.receipt = next((r for r in receipts if r.user_id == viewer), None)  # type: ignore[attr-defined]
        flag.raised_by_me = flag.raised_by_id == viewer  # type: ignore[attr-defined]
        flag.can_remove = (  # type: ignore[attr-defined]
            not flag.is_removed and not access.case.is_closed and may_remove(access, flag)
        )
        if shows_receipts:
            seen_ids = {r.user_id for r in receipts}
            flag.seen = receipts  # type: ignore[attr-defined]
            flag.not_seen = sorted(  # type: ignore[attr-defined]
                (
                    user
                    for pk, user in people.items()
                    if pk not in seen_ids and pk != flag.raised_by_id
                ),
                key=lambda u: u.full_name,
            )
        (result.removed if flag.is_removed else result.active).append(flag)
    result.removed.sort(key=lambda f: (f.removed_at, f.pk), reverse=True)
    return result


def unacknowledged_flags(profile: ActorProfile) -> tuple[list[Flag], int]:
    """Active flags in the open cases the person directs or takes part in, raised by someone
    else, that they have not acknowledged yet: the newest first (at most ``DASHBOARD_FLAGS``),
    and how many there are. Two queries at most; none without a membership."""
    if not profile.is_member:
        return [], 0
    user = profile.user
    assigned = CaseParticipant.objects.filter(case=OuterRef("case_id"), user=user, is_active=True)
    receipt = FlagReceipt.objects.filter(flag=OuterRef("pk"), user=user)
    pending = (
        Flag.objects.filter(removed_at__isnull=True)
        .filter(Q(case__case_director=user) | Q(Exists(assigned)))
        .exclude(case__phase=Phase.CLOSED)
        .exclude(raised_by=user)
        .exclude(Exists(receipt))
    )
    flags = list(
        pending.select_related("case", "family_member").order_by("-raised_at", "-pk")[
            :DASHBOARD_FLAGS
        ]
    )
    count = len(flags) if len(flags) < DASHBOARD_FLAGS else pending.count()
    return flags, count


def flag_form_members(access: CaseAccess) -> list[FamilyMember]:
    """The family members a flag may be about: those of the case not removed."""
    return list(FamilyMember.objects.filter(case=access.case, removed_at__isnull=True))
