"""Reads of meetings, through the case access rule of ``collaboration.access``.

There is no second access rule here: a user may open a meeting when ``case_basis`` gives them a
basis for its case, and may edit its notes when ``can_contribute`` holds for that basis and the
meeting is not finalised or cancelled (privacy officers who broke the glass read only).

``meeting_access`` checks and records the read (allowed or denied, 404 for both); the other
reads (and ``case_people``, re-exported from ``case_forms``) take the ``MeetingAccess`` it returned (or the case form's ``CaseAccess``), so they cannot
be reached without it and write no second record. The live notes' engine
(``collaboration.live_notes``) uses ``meeting_access`` and ``current_basis`` for its sockets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from portal.audit.events import AuditAction

from ..access import (
    ActorProfile,
    Basis,
    NotFoundOrNotAllowed,
    actor_profile,
    can_contribute,
    can_direct,
    case_basis,
)
from ..live_notes import document
from ..live_notes.models import Acknowledgement, AgendaItem, Attendance, Minutes
from ..live_notes.relay import meeting_group
from ..models import (
    Case,
    CaseParticipant,
    FamilyMember,
    Goal,
    Meeting,
    MeetingStatus,
    Organisation,
)
from ._audit import audit_read
from .case_forms import case_people as case_people  # the meeting forms' people
from .cases import CaseAccess
from .minutes_integrity import minutes_intact


@dataclass(frozen=True)
class MeetingAccess:
    meeting: Meeting
    case: Case
    basis: Basis
    profile: ActorProfile

    @property
    def can_edit(self) -> bool:
        return (
            can_contribute(self.basis)
            and not self.meeting.is_settled  # finalised or cancelled
            and not self.case.is_closed
        )

    @property
    def can_direct(self) -> bool:
        return can_direct(self.basis)

    @property
    def group_name(self) -> str:
        return meeting_group(self.meeting.pk)


def meeting_access(
    *,
    user: Any,
    meeting_id: int,
    action: AuditAction = AuditAction.CASE_VIEWED,
    purpose: str = "meeting_page",
    extra: dict[str, Any] | None = None,
    with_legal_basis: bool = False,
) -> MeetingAccess:
    """The meeting ``meeting_id`` if ``user`` may see its case; audited allowed or denied.
    ``with_legal_basis`` (an export of its minutes) writes the meeting's legal basis into the
    record, so the export names the basis the meeting's information was shared on.

    Raises ``NotFoundOrNotAllowed`` for a missing and for a forbidden meeting alike.
    """
    profile = actor_profile(user)
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_related("case", "case__case_director")
            .filter(pk=meeting_id)
            .first()
            if profile.is_member
            else None
        )
        basis = case_basis(profile, meeting.case) if meeting is not None else None
        if with_legal_basis and meeting is not None and basis is not None:
            extra = {**(extra or {}), "legal_basis_id": meeting.legal_basis_id}
        audit_read(
            action=action,
            profile=profile,
            allowed=basis is not None,
            object_type="meeting",
            object_id=meeting_id,
            case_reference=meeting.case.reference if meeting and basis else "",
            basis=str(basis or ""),
            purpose=purpose,
            extra=extra,
        )
    if basis is None or meeting is None:
        raise NotFoundOrNotAllowed
    return MeetingAccess(meeting=meeting, case=meeting.case, basis=basis, profile=profile)


def current_basis(*, user_id: int, meeting_id: int) -> Basis | None:
    """The access basis a connected person still has on the meeting's case, freshly from the
    database (a membership withdrawn, an account switched off, a case handed over): the
    consumer's heartbeat asks this. It returns no case data, so it writes no access record."""
    from portal.accounts.models import User

    user = User.objects.filter(pk=user_id).first()
    meeting = Meeting.objects.select_related("case").filter(pk=meeting_id).first()
    if user is None or meeting is None:
        return None
    return case_basis(actor_profile(user), meeting.case)


def has_acknowledged(*, user: Any, meeting_id: int) -> bool:
    return Acknowledgement.objects.filter(meeting_id=meeting_id, user=user).exists()


# --- Reads after the access check ---------------------------------------------------------


def case_meeting(access: CaseAccess, meeting_id: int, statuses: Iterable[str]) -> Meeting:
    """One meeting of the case the form is on, in one of ``statuses``; another case's meeting
    (or one in another status) is not found."""
    meeting = Meeting.objects.filter(
        case=access.case, pk=meeting_id, status__in=list(statuses)
    ).first()
    if meeting is None:
        raise NotFoundOrNotAllowed
    return meeting


@dataclass(frozen=True)
class MeetingPage:
    agenda: list[AgendaItem]
    attendance: list[Attendance]
    notes_html: str  # escaped by construction (``document.to_html`` escapes every text run)
    minutes: Minutes | None
    # False when the stored minutes are not the ones finalised (``minutes_integrity``)
    minutes_intact: bool = True


def meeting_page(access: MeetingAccess) -> MeetingPage:
    """What the meeting page shows: agenda, who is present, the saved notes, the minutes."""
    meeting = access.meeting
    minutes = (
        Minutes.objects.filter(meeting=meeting).first()
        if meeting.status == MeetingStatus.FINALISED
        else None
    )
    return MeetingPage(
        agenda=list(AgendaItem.objects.filter(meeting=meeting)),
        attendance=_attendance(meeting),
        notes_html=document.to_html(document.stored_update(meeting.pk)),
        minutes=minutes,
        minutes_intact=minutes is None or minutes_intact(minutes, meeting.case.reference),
    )


def _attendance(meeting: Meeting) -> list[Attendance]:
    return list(
        Attendance.objects.filter(meeting=meeting).select_related(
            "user", "organisation", "family_member"
        )
    )


@dataclass(frozen=True)
class PrepareChoices:
    people: list[Any]
    family: list[FamilyMember]
    initial: dict[str, Any]


def prepare_choices(access: MeetingAccess) -> PrepareChoices:
    """The preparation form: the case's people and family members, and what was filled in."""
    meeting = access.meeting
    initial: dict[str, Any] = {
        "agenda": "\n".join(
            AgendaItem.objects.filter(meeting=meeting).values_list("title", flat=True)
        ),
        "started": meeting.status == MeetingStatus.LIVE,
        "family": [],
    }
    for row in Attendance.objects.filter(meeting=meeting):
        if row.user_id:
            initial[f"person_{row.user_id}"] = row.status
        elif row.family_member_id:
            initial["family"].append(str(row.family_member_id))
    return PrepareChoices(
        people=case_people(access.case),
        family=list(FamilyMember.objects.filter(case=access.case, removed_at__isnull=True)),
        initial=initial,
    )


@dataclass(frozen=True)
class FinaliseChoices:
    goals: list[Goal]
    organisations: list[Organisation]
    people: list[Any]


def finalise_choices(access: MeetingAccess) -> FinaliseChoices:
    """What the agreed actions of the finalise form may name: a goal of the current plan, an
    organisation taking part in the case, one of the case's people."""
    plan = access.case.plans.order_by("-version").first()
    organisation_ids = CaseParticipant.objects.filter(case=access.case, is_active=True).values(
        "organisation_id"
    )
    return FinaliseChoices(
        goals=list(plan.goals.all()) if plan else [],
        organisations=list(Organisation.objects.filter(pk__in=organisation_ids)),
        people=case_people(access.case),
    )


def meeting_minutes(access: MeetingAccess) -> Minutes:
    """The finalised minutes of the meeting; a meeting without them is not found."""
    minutes = Minutes.objects.filter(meeting=access.meeting).first()
    if minutes is None:
        raise NotFoundOrNotAllowed
    return minutes
