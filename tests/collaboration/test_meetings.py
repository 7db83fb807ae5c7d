"""Meetings as they happen: planned ahead, moved, cancelled, recorded after they were held, and
finalised afterwards. Service rules first, then the pages (errors on the field they concern).
The clock is pinned where a rule depends on it."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import Meeting, MeetingStatus, Notification, TimelineEntry
from collaboration.selectors.meetings import meeting_access
from collaboration.services import meetings
from collaboration.services.minutes import meeting_finalise
from portal.audit.models import AuditEvent
from tests.factories.legal_bases import standing_basis

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
EVENING = datetime.datetime(2026, 12, 2, 23, 30, tzinfo=BRUSSELS)
HOUR = datetime.timedelta(hours=1)


def _plan(world: Any, starts_at: datetime.datetime, **extra: Any) -> Meeting:
    return meetings.meeting_schedule(
        actor=world.director,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        kind="network",
        starts_at=starts_at,
        place="Vergaderzaal (fictief)",
        invitee_ids=[world.caw_partner.pk, world.police_partner.pk],
        **extra,
    )


def _record(world: Any, starts_at: datetime.datetime) -> Meeting:
    return meetings.meeting_record(
        actor=world.director,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        kind="client",
        starts_at=starts_at,
        place="Bij het gezin thuis (fictief)",
        invitee_ids=[world.caw_partner.pk],
    )


def _changes(meeting: Meeting) -> list[str]:
    return [
        e.extra.get("change")
        for e in AuditEvent.objects.filter(object_type="meeting", object_id=str(meeting.pk))
    ]


def _field_error(excinfo: Any) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_a_meeting_is_planned_ahead_and_not_in_the_past(world: Any) -> None:
    with time_machine.travel(EVENING, tick=False):
        meeting = _plan(world, timezone.now() + HOUR)  # 00:30 tomorrow, Brussels
        assert meeting.status == MeetingStatus.PLANNED
        assert Notification.objects.filter(kind="meeting_invitation").count() == 2
        with pytest.raises(ValidationError) as excinfo:
            _plan(world, timezone.now() - datetime.timedelta(minutes=5))
        assert "gehouden overleg" in _field_error(excinfo)["starts_at"][0]
        assert Meeting.objects.count() == 1


def test_yesterdays_meeting_is_recorded_as_held_then_finalised_dated_yesterday(
    world: Any,
) -> None:
    with time_machine.travel(datetime.datetime(2026, 12, 3, 0, 30, tzinfo=BRUSSELS), tick=False):
        world.case.__class__.objects.filter(pk=world.case.pk).update(
            opened_at=timezone.now() - datetime.timedelta(days=10)
        )
        world.case.refresh_from_db()
        yesterday_evening = datetime.datetime(2026, 12, 2, 20, 0, tzinfo=BRUSSELS)
        meeting = _record(world, yesterday_evening)
        assert meeting.status == MeetingStatus.HELD
        assert _changes(meeting) == ["meeting_recorded"]
        # nobody is invited to something that is over
        assert not Notification.objects.filter(kind="meeting_invitation").exists()
        assert meeting_access(user=world.caw_partner, meeting_id=meeting.pk).can_edit
        meeting_finalise(actor=world.director, meeting_id=meeting.pk, actions=[])
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.FINALISED
        entry = TimelineEntry.objects.get(case=world.case, kind="network_meeting")
        assert entry.occurred_on == datetime.date(2026, 12, 2)


def test_a_held_meeting_is_not_in_the_future_nor_over_a_year_ago(world: Any) -> None:
    with time_machine.travel(EVENING, tick=False):
        with pytest.raises(ValidationError) as excinfo:
            _record(world, timezone.now() + datetime.timedelta(minutes=5))
        assert "toekomst" in _field_error(excinfo)["starts_at"][0]
        # a year back in Brussels days: 2 December 2025 is the earliest day
        _record(world, datetime.datetime(2025, 12, 2, 0, 0, tzinfo=BRUSSELS))
        with pytest.raises(ValidationError) as excinfo:
            _record(world, datetime.datetime(2025, 12, 1, 23, 59, tzinfo=BRUSSELS))
        assert "2 december 2025" in _field_error(excinfo)["starts_at"][0]
        # a meeting before the case was opened is fine (the first ones often are)
        _record(world, world.case.opened_at - datetime.timedelta(days=2))
        assert Meeting.objects.count() == 2


def test_a_planned_meeting_is_moved_and_the_invitees_are_told(world: Any) -> None:
    with time_machine.travel(EVENING, tick=False):
        meeting = _plan(world, timezone.now() + HOUR)
        Notification.objects.all().delete()
        later = timezone.now() + 26 * HOUR
        meetings.meeting_reschedule(
            actor=world.coordinator,
            case=world.case,
            meeting_id=meeting.pk,
            starts_at=later,
            place="Stadhuis (fictief)",
        )
        meeting.refresh_from_db()
        assert (meeting.starts_at, meeting.place) == (later, "Stadhuis (fictief)")
        told = set(
            Notification.objects.filter(kind="meeting_changed").values_list("user", flat=True)
        )
        assert told == {world.caw_partner.pk, world.police_partner.pk}
        assert _changes(meeting) == ["meeting_scheduled", "meeting_rescheduled"]
        with pytest.raises(ValidationError) as excinfo:
            meetings.meeting_reschedule(
                actor=world.director,
                case=world.case,
                meeting_id=meeting.pk,
                starts_at=timezone.now() - HOUR,
                place="Stadhuis (fictief)",
            )
        assert "starts_at" in _field_error(excinfo)
        meeting.refresh_from_db()
        assert meeting.starts_at == later


def test_a_meeting_under_way_finalised_or_cancelled_is_not_moved(world: Any) -> None:
    with time_machine.travel(EVENING, tick=False):
        for status in (MeetingStatus.LIVE, MeetingStatus.FINALISED, MeetingStatus.CANCELLED):
            meeting = _plan(world, timezone.now() + HOUR)
            Meeting.objects.filter(pk=meeting.pk).update(status=status)
            with pytest.raises(ValidationError, match="kan niet verplaatst worden"):
                meetings.meeting_reschedule(
                    actor=world.director,
                    case=world.case,
                    meeting_id=meeting.pk,
                    starts_at=timezone.now() + 2 * HOUR,
                    place="Elders",
                )


def test_a_planned_meeting_is_cancelled_with_a_reason_and_turns_read_only(world: Any) -> None:
    with time_machine.travel(EVENING, tick=False):
        meeting = _plan(world, timezone.now() + HOUR)
        with pytest.raises(ValidationError) as excinfo:
            meetings.meeting_cancel(
                actor=world.director, case=world.case, meeting_id=meeting.pk, reason="  "
            )
        assert "reason" in _field_error(excinfo)
        Notification.objects.all().delete()
        meetings.meeting_cancel(
            actor=world.director,
            case=world.case,
            meeting_id=meeting.pk,
            reason="Moeder is ziek (fictief).",
        )
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.CANCELLED and meeting.cancelled_at == timezone.now()
        assert Notification.objects.filter(kind="meeting_changed").count() == 2
        assert not meeting_access(user=world.caw_partner, meeting_id=meeting.pk).can_edit
        with pytest.raises(ValidationError, match="geannuleerd"):
            meeting_finalise(actor=world.director, meeting_id=meeting.pk, actions=[])
        with pytest.raises(ValidationError, match="Alleen een gepland overleg"):
            meetings.meeting_cancel(
                actor=world.director, case=world.case, meeting_id=meeting.pk, reason="Nogmaals"
            )


def test_only_the_director_and_coordinators_change_meetings_of_their_own_case(
    world: Any, make_user: Any
) -> None:
    from collaboration.models import Case

    with time_machine.travel(EVENING, tick=False):
        meeting = _plan(world, timezone.now() + HOUR)
        for actor in (world.caw_partner, world.outsider_member, world.privacy):
            with pytest.raises(NotFoundOrNotAllowed):
                meetings.meeting_cancel(
                    actor=actor, case=world.case, meeting_id=meeting.pk, reason="x"
                )
            with pytest.raises(NotFoundOrNotAllowed):
                _record_as(actor, world)
        other = Case.objects.create(
            reference="VH-OVL-2026-9000", region=world.case.region, case_director=world.director
        )
        with pytest.raises(NotFoundOrNotAllowed):  # a meeting of another case is not found
            meetings.meeting_cancel(
                actor=world.director, case=other, meeting_id=meeting.pk, reason="x"
            )
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.PLANNED


def _record_as(actor: Any, world: Any) -> None:
    meetings.meeting_record(
        actor=actor,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        kind="client",
        starts_at=timezone.now() - HOUR,
        place="x",
        invitee_ids=[],
    )


# --- Pages ---------------------------------------------------------------------------------


def test_the_pages_record_move_and_cancel_with_errors_on_their_fields(
    world: Any, verified_client: Any
) -> None:
    with time_machine.travel(EVENING, tick=True):
        client = verified_client(world.director)
        ref = world.case.reference
        world.case.__class__.objects.filter(pk=world.case.pk).update(
            opened_at=timezone.now() - datetime.timedelta(days=3)
        )
        record = reverse("collaboration:meeting_record", args=[ref])
        tomorrow = {
            "kind": "client",
            "starts_at": "2026-12-03T10:00",
            "place": "Thuis",
            "invitees": [world.caw_partner.pk],
            "legal_basis": standing_basis(world.case),
        }
        response = client.post(record, tomorrow)
        assert response.status_code == 200
        form = response.context["form"]
        assert "toekomst" in form.errors["starts_at"][0] and not form.non_field_errors()
        response = client.post(record, {**tomorrow, "starts_at": "2026-12-01T18:00"})
        assert response.status_code == 302
        held = Meeting.objects.get(status=MeetingStatus.HELD)
        assert timezone.localtime(held.starts_at).hour == 18

        planned = _plan(world, timezone.now() + HOUR)
        move = reverse("collaboration:meeting_reschedule", args=[ref, planned.pk])
        page = client.get(move)
        assert page.status_code == 200
        assert 'value="2026-12-03T00:30"' in page.content.decode()  # initial, Brussels time
        response = client.post(move, {"starts_at": "2026-12-02T09:00", "place": "Thuis"})
        assert "verleden" in response.context["form"].errors["starts_at"][0]
        # 02:30 on 28 March 2027 (clocks go forward) does not exist in Brussels: refused on the field, no 500
        response = client.post(move, {"starts_at": "2027-03-28T02:30", "place": "Thuis"})
        assert response.status_code == 200 and "starts_at" in response.context["form"].errors
        response = client.post(move, {"starts_at": "2026-12-04T14:00", "place": "Stadhuis"})
        assert response.status_code == 302
        planned.refresh_from_db()
        assert timezone.localtime(planned.starts_at).strftime("%d %H:%M") == "04 14:00"

        cancel = reverse("collaboration:meeting_cancel", args=[ref, planned.pk])
        response = client.post(cancel, {"reason": ""})
        assert "reason" in response.context["form"].errors
        assert client.post(cancel, {"reason": "Dubbel gepland"}).status_code == 302
        planned.refresh_from_db()
        assert planned.status == MeetingStatus.CANCELLED
        # a cancelled meeting has no move or cancel page any more
        assert client.get(move).status_code == 404
        assert client.get(cancel).status_code == 404
        case_page = client.get(reverse("collaboration:case_detail", args=[ref])).content.decode()
        assert "Dubbel gepland" in case_page and "Geannuleerd" in case_page


def test_another_cases_meeting_looks_like_a_missing_one_and_refusals_change_nothing(
    world: Any, verified_client: Any
) -> None:
    from collaboration.models import Case

    other = Case.objects.create(
        reference="VH-OVL-2026-9001", region=world.case.region, case_director=world.director
    )
    foreign = Meeting.objects.create(
        case=other,
        kind="network",
        starts_at=timezone.now() + 24 * HOUR,
        place="Elders",
        created_by=world.director,
    )
    own = _plan(world, timezone.now() + 24 * HOUR)
    director = verified_client(world.director)
    ref = world.case.reference
    missing = director.get(reverse("collaboration:meeting_cancel", args=[ref, 999_999])).content
    for name in ("meeting_reschedule", "meeting_cancel"):
        url = reverse(f"collaboration:{name}", args=[ref, foreign.pk])
        response = director.get(url)
        assert response.status_code == 404 and response.content == missing
        assert director.post(url, {"reason": "x"}).status_code == 404
    partner = verified_client(world.caw_partner)
    for name in ("meeting_reschedule", "meeting_cancel"):
        url = reverse(f"collaboration:{name}", args=[ref, own.pk])
        post = partner.post(url, {"reason": "x", "starts_at": "2030-01-01T10:00", "place": "x"})
        assert post.status_code == 404
    for meeting in (foreign, own):
        before = meeting.starts_at
        meeting.refresh_from_db()
        assert (meeting.status, meeting.starts_at) == (MeetingStatus.PLANNED, before)
