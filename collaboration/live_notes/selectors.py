"""Reads of meetings and their notes, through the case access rule of ``collaboration.access``.

There is no second access rule here: a user may open a meeting when ``case_basis`` gives them a
basis for its case, and may edit its notes when ``can_contribute`` holds for that basis and the
meeting is not finalised (privacy officers who broke the glass read only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from collaboration.access import (
    ActorProfile,
    Basis,
    NotFoundOrNotAllowed,
    actor_profile,
    can_contribute,
    can_direct,
    case_basis,
)
from collaboration.models import Case, Meeting
from collaboration.selectors._audit import audit_read
from portal.audit.events import AuditAction

from .models import Acknowledgement, LiveConnection


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


def meeting_group(meeting_id: int) -> str:
    """The channel-layer group of a meeting, derived on the server only."""
    return f"meeting.{int(meeting_id)}"


def meeting_access(
    *,
    user: Any,
    meeting_id: int,
    action: AuditAction = AuditAction.CASE_VIEWED,
    purpose: str = "meeting_page",
    extra: dict[str, Any] | None = None,
) -> MeetingAccess:
    """The meeting ``meeting_id`` if ``user`` may see its case; audited allowed or denied.

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
    if basis is None:
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


def presence_heartbeat() -> float:
    """Seconds between a consumer's refreshes of its connection row."""
    return float(getattr(settings, "LIVE_NOTES_PRESENCE_HEARTBEAT", 30))


def presence_stale_after() -> dt.timedelta:
    """A connection not refreshed for three heartbeats is no longer served by any process."""
    return dt.timedelta(seconds=3 * presence_heartbeat())


def live_connections() -> QuerySet[LiveConnection]:
    return LiveConnection.objects.filter(seen_at__gte=timezone.now() - presence_stale_after())


def present_people(meeting_id: int) -> list[dict[str, Any]]:
    """Who has an authenticated, live connection to the meeting now, one entry per person."""
    rows = (
        live_connections()
        .filter(meeting_id=meeting_id)
        .order_by("user__full_name", "user_id")
        .values_list("user_id", "user__full_name", "can_edit")
    )
    people: dict[int, dict[str, Any]] = {}
    for user_id, name, can_edit in rows:
        person = people.setdefault(user_id, {"id": user_id, "name": name, "can_edit": False})
        person["can_edit"] = person["can_edit"] or can_edit
    return list(people.values())
