"""Meetings as they happen: planned ahead, moved, cancelled, or recorded after they were held;
prepared (agenda, attendance, the start) and the confidentiality statement acknowledged.

Why one module: each step has its own date rule, and every one of them must hold at any hour
of the day in Europe/Brussels (the portal's time zone), not in the server's UTC. Moments are
compared as moments (``timezone.now()``); calendar days as Brussels days
(``timezone.localdate``). Finalising into minutes is ``minutes``.

Each service checks the right (the case director or a coordinator of the region), validates,
saves with its audit record in one transaction, and only after commit tells people: the
invitees get a notification (no content), and connected live-notes clients of a cancelled
meeting turn read-only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction

from ..access import ActorProfile, Basis, NotFoundOrNotAllowed, can_direct
from ..live_notes.models import Acknowledgement, AgendaItem, Attendance, AttendanceStatus
from ..live_notes.relay import broadcast_read_only
from ..models import (
    Case,
    CaseParticipant,
    FamilyMember,
    LegalBasis,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Visibility,
)
from ._common import audit_change, require_case_right, require_open
from .handover import require_director
from .legal_bases import (
    recipients_of_audience,
    recipients_of_invitation,
    require_sharing_basis,
)
from .notifications import Kind, notify

# How far back a held meeting may still be recorded, in Brussels calendar days.
HELD_AT_MOST_DAYS_AGO = 365


def _case_people_ids(case: Case) -> set[int]:
    return set(
        CaseParticipant.objects.filter(case=case, is_active=True).values_list("user_id", flat=True)
    ) | {case.case_director_id}


def _check_common(*, case: Case, kind: str, place: str, invitee_ids: list[int]) -> list[int]:
    errors: dict[str, str] = {}
    if kind not in MeetingKind.values:
        errors["kind"] = _("Kies een soort overleg uit de lijst.")
    if not place.strip():
        errors["place"] = _("Vul de plaats van het overleg in.")
    invitee_ids = [int(i) for i in invitee_ids]
    if set(invitee_ids) - _case_people_ids(case):
        errors["invitees"] = _("Nodig alleen mensen uit die bij het dossier betrokken zijn.")
    if errors:
        raise ValidationError(errors)
    return invitee_ids


def _meeting_basis(
    actor: Any,
    profile: ActorProfile,
    case: Case,
    legal_basis_id: int | None,
    invitee_ids: list[int],
    what: str,
) -> LegalBasis:
    """A meeting's notes and minutes are open to everyone in the case, not only to those
    invited: its basis covers every participating service (and so the invitees')."""
    return require_sharing_basis(
        actor=actor,
        profile=profile,
        case=case,
        legal_basis_id=legal_basis_id,
        organisation_ids=recipients_of_audience(
            case=case, profile=profile, visibility=Visibility.ALL
        )
        | recipients_of_invitation(case=case, profile=profile, user_ids=invitee_ids),
        what=what,
    )


def _check_ahead(starts_at: datetime.datetime) -> None:
    """A planned meeting has not started yet (compared as moments: right at any hour)."""
    if starts_at < timezone.now():
        raise ValidationError(
            {
                "starts_at": _(
                    "Dit tijdstip ligt in het verleden. Vond het overleg al plaats, leg het dan "
                    "vast als gehouden overleg."
                )
            }
        )


def _check_held(starts_at: datetime.datetime) -> None:
    """A held meeting has started (moments), and at most a year ago (Brussels days: a year
    typed wrong, 2025 for 2026, is caught; a meeting before the case opened is not, since
    the first meetings often precede the referral's acceptance)."""
    if starts_at > timezone.now():
        raise ValidationError(
            {
                "starts_at": _(
                    "Dit tijdstip ligt in de toekomst. Een overleg dat nog moet plaatsvinden, "
                    "plant u."
                )
            }
        )
    earliest = timezone.localdate() - datetime.timedelta(days=HELD_AT_MOST_DAYS_AGO)
    if timezone.localdate(starts_at) < earliest:
        raise ValidationError(
            {
                "starts_at": _(
                    "Een overleg van vóór %(day)s kan niet meer vastgelegd worden: kijk het "
                    "jaartal na."
                )
                % {"day": formats.date_format(earliest, "j F Y")}
            }
        )


def _meeting_of(case: Case, meeting_id: int, *, lock: bool = False) -> Meeting:
    """The case's meeting ``meeting_id``; another case's meeting is not found here."""
    qs = Meeting.objects.filter(case=case, pk=meeting_id)
    meeting = (qs.select_for_update() if lock else qs).first()
    if meeting is None:
        raise NotFoundOrNotAllowed
    return meeting


def _notify_invitees(meeting: Meeting, *, kind: str, actor: Any, user_ids: Any = None) -> None:
    from portal.accounts.models import User

    ids = user_ids if user_ids is not None else meeting.invitees.values_list("pk", flat=True)
    case = meeting.case
    for user in User.objects.filter(pk__in=list(ids), is_active=True).exclude(pk=actor.pk):
        notify(
            user=user,
            kind=kind,
            link=f"{reverse('collaboration:case_detail', args=[case.reference])}#overleg",
            case_reference=case.reference,
        )


def require_meeting_right(
    *, actor: Any, meeting_id: int, check: Callable[[Basis | None], bool], what: str
) -> tuple[Meeting, ActorProfile, Basis]:
    """The meeting and the actor's basis on its case, if ``check`` holds; else
    ``NotFoundOrNotAllowed`` (a refusal is recorded). The read itself was the view's
    (``selectors.meetings.meeting_access``), so no second read record is written here."""
    meeting = (
        Meeting.objects.select_related("case", "case__case_director").filter(pk=meeting_id).first()
    )
    if meeting is None:
        raise NotFoundOrNotAllowed
    profile, basis = require_case_right(actor=actor, case=meeting.case, check=check, what=what)
    return meeting, profile, basis


def meeting_schedule(
    *,
    actor: Any,
    case: Case,
    kind: str,
    starts_at: datetime.datetime,
    place: str,
    invitee_ids: list[int],
    legal_basis_id: int | None = None,
) -> Meeting:
    """Plan a meeting ahead and invite people assigned to the case (they are notified), on a
    legal basis covering the services they take part for (a 458ter case consultation, most
    often)."""
    profile, basis = require_case_right(actor=actor, case=case, check=can_direct, what="meeting")
    require_open(case)
    require_director(case)
    invitee_ids = _check_common(case=case, kind=kind, place=place, invitee_ids=invitee_ids)
    _check_ahead(starts_at)
    legal = _meeting_basis(actor, profile, case, legal_basis_id, invitee_ids, "meeting")
    meeting = Meeting(
        case=case,
        kind=kind,
        starts_at=starts_at,
        place=place.strip(),
        created_by=actor,
        legal_basis=legal,
    )
    with transaction.atomic():
        _store_new(
            meeting,
            actor=actor,
            profile=profile,
            basis=basis,
            invitee_ids=invitee_ids,
            extra={
                "change": "meeting_scheduled",
                "invitees": len(invitee_ids),
                "legal_basis_id": legal.pk,
            },
        )
        _notify_invitees(meeting, kind=Kind.MEETING_INVITATION, actor=actor, user_ids=invitee_ids)
    return meeting


def _store_new(
    meeting: Meeting,
    *,
    actor: Any,
    profile: ActorProfile,
    basis: Basis,
    invitee_ids: list[int],
    extra: dict[str, Any],
) -> None:
    """Validate, save a new meeting with its people and audit it (inside the caller's
    transaction): the one way planned and recorded meetings are created."""
    meeting.full_clean()
    meeting.save()
    meeting.invitees.set(invitee_ids)
    audit_change(
        action=AuditAction.CASE_CHANGED,
        actor=actor,
        profile=profile,
        case=meeting.case,
        basis=basis,
        object_type="meeting",
        object_id=meeting.pk,
        extra=extra,
    )


def meeting_record(
    *,
    actor: Any,
    case: Case,
    kind: str,
    starts_at: datetime.datetime,
    place: str,
    invitee_ids: list[int],
    legal_basis_id: int | None = None,
) -> Meeting:
    """Record a meeting that already took place (yesterday, or an hour ago): it is 'held' and
    waits for its minutes; nobody is invited to something that is over. Its attendees took
    part on a legal basis, recorded as for a planned meeting."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_direct, what="meeting_record"
    )
    require_open(case)
    require_director(case)
    invitee_ids = _check_common(case=case, kind=kind, place=place, invitee_ids=invitee_ids)
    _check_held(starts_at)
    legal = _meeting_basis(actor, profile, case, legal_basis_id, invitee_ids, "meeting_record")
    meeting = Meeting(
        case=case,
        kind=kind,
        starts_at=starts_at,
        place=place.strip(),
        created_by=actor,
        status=MeetingStatus.HELD,
        legal_basis=legal,
    )
    with transaction.atomic():
        _store_new(
            meeting,
            actor=actor,
            profile=profile,
            basis=basis,
            invitee_ids=invitee_ids,
            extra={
                "change": "meeting_recorded",
                "attendees": len(invitee_ids),
                "legal_basis_id": legal.pk,
            },
        )
    return meeting


def meeting_reschedule(
    *,
    actor: Any,
    case: Case,
    meeting_id: int,
    starts_at: datetime.datetime,
    place: str,
) -> Meeting:
    """Move a planned meeting (another time or place; the invitees are told), or correct the
    time of a held one. A meeting under way, finalised or cancelled is not moved."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_direct, what="meeting_reschedule"
    )
    require_open(case)
    if not place.strip():
        raise ValidationError({"place": _("Vul de plaats van het overleg in.")})
    with transaction.atomic():
        meeting = _meeting_of(case, meeting_id, lock=True)
        if meeting.status == MeetingStatus.PLANNED:
            _check_ahead(starts_at)
        elif meeting.status == MeetingStatus.HELD:
            _check_held(starts_at)
        else:
            raise ValidationError(
                _("Een overleg dat bezig, afgerond of geannuleerd is, kan niet verplaatst worden.")
            )
        moved = meeting.starts_at != starts_at or meeting.place != place.strip()
        if not moved:
            return meeting
        before = meeting.starts_at
        meeting.starts_at = starts_at
        meeting.place = place.strip()
        meeting.full_clean()
        meeting.save(update_fields=["starts_at", "place"])
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="meeting",
            object_id=meeting.pk,
            extra={
                "change": "meeting_rescheduled",
                "from": before.isoformat(),
                "to": starts_at.isoformat(),
            },
        )
        if meeting.status == MeetingStatus.PLANNED:
            _notify_invitees(meeting, kind=Kind.MEETING_CHANGED, actor=actor)
    return meeting


def meeting_cancel(*, actor: Any, case: Case, meeting_id: int, reason: str) -> Meeting:
    """Cancel a planned meeting with a reason: the invitees are told, its notes turn read-only.
    A meeting that has started (or was held) is finalised instead, never cancelled."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_direct, what="meeting_cancel"
    )
    require_open(case)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Geef aan waarom het overleg niet doorgaat.")})
    with transaction.atomic():
        meeting = _meeting_of(case, meeting_id, lock=True)
        if meeting.status != MeetingStatus.PLANNED:
            raise ValidationError(
                _("Alleen een gepland overleg dat nog niet begonnen is, kan geannuleerd worden.")
            )
        meeting.status = MeetingStatus.CANCELLED
        meeting.cancelled_at = timezone.now()
        meeting.cancel_reason = reason
        meeting.full_clean()
        meeting.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="meeting",
            object_id=meeting.pk,
            extra={"change": "meeting_cancelled"},
        )
        _notify_invitees(meeting, kind=Kind.MEETING_CHANGED, actor=actor)
        meeting_pk = meeting.pk
        transaction.on_commit(lambda: broadcast_read_only(meeting_pk))
    return meeting


def confidentiality_acknowledge(*, actor: Any, meeting_id: int) -> Acknowledgement:
    """The participant confirms the confidentiality statement; needed before joining the notes.
    Anyone who may open the meeting (the view read it through ``meeting_access``)."""
    meeting, profile, basis = require_meeting_right(
        actor=actor, meeting_id=meeting_id, check=lambda b: b is not None, what="acknowledge"
    )
    with transaction.atomic():
        ack, created = Acknowledgement.objects.get_or_create(meeting=meeting, user=actor)
        if created:
            audit_change(
                action=AuditAction.CASE_CHANGED,
                actor=actor,
                profile=profile,
                case=meeting.case,
                basis=basis,
                object_type="meeting",
                object_id=meeting.pk,
                extra={"change": "confidentiality_acknowledged"},
            )
    return ack


# --- Preparing and running the meeting ---------------------------------------------------


def meeting_prepare(
    *,
    actor: Any,
    meeting_id: int,
    agenda: list[str],
    attendance: dict[int, str],
    family_present: list[int],
    started: bool,
) -> None:
    """Agenda, attendance (professionals by organisation, family members by role) and the
    planned -> live step. The case director or a coordinator; not after finalising."""
    meeting, profile, basis = require_meeting_right(
        actor=actor, meeting_id=meeting_id, check=can_direct, what="meeting_prepare"
    )
    if meeting.is_settled or meeting.case.is_closed:
        raise NotFoundOrNotAllowed
    case = meeting.case
    organisations = dict(
        CaseParticipant.objects.filter(case=case, is_active=True).values_list(
            "user_id", "organisation_id"
        )
    )
    allowed_people = set(organisations) | {case.case_director_id}
    family_ids = set(FamilyMember.objects.filter(case=case).values_list("pk", flat=True))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
        AgendaItem.objects.filter(meeting=meeting).delete()
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, position=i, title=title[:200])
            for i, title in enumerate(t.strip() for t in agenda if t.strip())
        )
        for user_id, status in attendance.items():
            if user_id not in allowed_people:
                continue
            if status in AttendanceStatus.values:
                Attendance.objects.update_or_create(
                    meeting=meeting,
                    user_id=user_id,
                    defaults={"status": status, "organisation_id": organisations.get(user_id)},
                )
            else:
                Attendance.objects.filter(meeting=meeting, user_id=user_id).delete()
        Attendance.objects.filter(meeting=meeting, family_member__isnull=False).exclude(
            family_member_id__in=family_present
        ).delete()
        for member_id in set(family_present) & family_ids:
            Attendance.objects.get_or_create(
                meeting=meeting,
                family_member_id=member_id,
                defaults={"status": AttendanceStatus.PRESENT},
            )
        if started and meeting.status == MeetingStatus.PLANNED:
            meeting.status = MeetingStatus.LIVE
            meeting.save(update_fields=["status"])
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="meeting",
            object_id=meeting.pk,
            extra={"change": "meeting_prepared", "status": meeting.status},
        )
