"""Every date rule of the case workspace, at 23:30 and 00:30 Brussels time, on an ordinary day
and on both daylight-saving change days of 2026 (29 March, 25 October). At 00:30 the UTC day
is still yesterday, at 23:30 tomorrow is an hour away (a meeting planned two hours ahead falls
on it); each rule must follow the Brussels day, or compare moments.

The rules (grep "toekomst", "verleden", localdate in collaboration/ and portal/):
timeline date, plan presented in team, birth year, planned meeting ahead, held meeting not
ahead and at most a year ago, moving a meeting, finalising a held meeting, the
phase entry, the handover entry, the due-soon reminder horizon, the dashboard's "over tijd",
the form's default dates, and the subject-access and rectification dates of receipt.
Finalising a planned meeting is covered in tests/live_notes/test_finalise_dates.py.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from collaboration.models import (
    Action,
    Case,
    Membership,
    Notification,
    Role,
    TimelineEntry,
)
from collaboration.selectors.cases import dashboard
from collaboration.services import cases, handover, meetings, plans, timeline
from collaboration.services.minutes import meeting_finalise
from collaboration.services.notifications import actions_due_notify
from tests.factories.cases import approve_current_plan
from tests.factories.legal_bases import standing_basis

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)
MOMENTS = [
    pytest.param(datetime.datetime(2026, 12, 2, 23, 30, tzinfo=BRUSSELS), id="23:30"),
    pytest.param(datetime.datetime(2026, 12, 3, 0, 30, tzinfo=BRUSSELS), id="00:30"),
    pytest.param(datetime.datetime(2026, 3, 29, 0, 30, tzinfo=BRUSSELS), id="spring-00:30"),
    pytest.param(datetime.datetime(2026, 3, 29, 23, 30, tzinfo=BRUSSELS), id="spring-23:30"),
    pytest.param(datetime.datetime(2026, 10, 25, 0, 30, tzinfo=BRUSSELS), id="autumn-00:30"),
    pytest.param(datetime.datetime(2026, 10, 25, 23, 30, tzinfo=BRUSSELS), id="autumn-23:30"),
]


@pytest.fixture(params=MOMENTS)
def now(request: Any, world: Any) -> Any:
    """The pinned moment; the world's case was opened a week before it."""
    moment = request.param
    with time_machine.travel(moment, tick=False):
        Case.objects.filter(pk=world.case.pk).update(opened_at=moment - 7 * DAY)
        world.case.refresh_from_db()
        yield moment


def _brussels_today(now: datetime.datetime) -> datetime.date:
    return now.astimezone(BRUSSELS).date()


def _refused_on(field: str, call: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert field in excinfo.value.message_dict, excinfo.value


def _plan_with_action(world: Any) -> Any:
    goal = plans.goal_add(actor=world.director, case=world.case, domain="safety", description="V")
    return plans.action_add(
        actor=world.director,
        case=world.case,
        goal_id=goal.pk,
        description="Huisbezoek",
        organisation_id=world.caw.pk,
        responsible=world.caw_partner,
        due_date=None,
    )


def test_the_day_itself_is_brussels_today(now: datetime.datetime) -> None:
    assert timezone.localdate() == _brussels_today(now)
    if now.hour == 0:  # the UTC day is still yesterday: a rule on UTC days would be off by one
        assert now.astimezone(datetime.UTC).date() == _brussels_today(now) - DAY


def test_timeline_date(world: Any, now: datetime.datetime) -> None:
    today = _brussels_today(now)

    def add(day: datetime.date) -> Any:
        return timeline.timeline_entry_add(
            actor=world.caw_partner,
            case=world.case,
            legal_basis_id=standing_basis(world.case),
            kind="note",
            occurred_on=day,
            title="N",
        )

    assert add(today).occurred_on == today
    _refused_on("occurred_on", lambda: add(today + DAY))


def test_plan_presented_in_team(world: Any, now: datetime.datetime) -> None:
    _plan_with_action(world)
    today = _brussels_today(now)

    def present(day: datetime.date) -> Any:
        return plans.plan_mark_presented(actor=world.director, case=world.case, presented_on=day)

    _refused_on("presented_on", lambda: present(today + DAY))
    assert present(today).presented_in_team_on == today


def test_birth_year(world: Any, now: datetime.datetime) -> None:
    year = _brussels_today(now).year

    def add(birth_year: int) -> Any:
        return cases.family_member_add(
            actor=world.director,
            case=world.case,
            name="Fictief",
            birth_year=birth_year,
            family_role="child",
        )

    assert add(year).birth_year == year
    _refused_on("birth_year", lambda: add(year + 1))


def _meeting(world: Any, service: Any, starts_at: datetime.datetime) -> Any:
    return service(
        actor=world.director,
        case=world.case,
        kind="network",
        starts_at=starts_at,
        place="Zaal",
        invitee_ids=[world.caw_partner.pk],
        legal_basis_id=standing_basis(world.case),
    )


def test_a_planned_meeting_is_ahead(world: Any, now: datetime.datetime) -> None:
    assert _meeting(world, meetings.meeting_schedule, now + MINUTE).status == "planned"
    _refused_on("starts_at", lambda: _meeting(world, meetings.meeting_schedule, now - MINUTE))


def test_a_held_meeting_is_not_ahead_and_at_most_a_year_ago(
    world: Any, now: datetime.datetime
) -> None:
    assert _meeting(world, meetings.meeting_record, now - MINUTE).status == "held"
    _refused_on("starts_at", lambda: _meeting(world, meetings.meeting_record, now + MINUTE))
    # the earliest Brussels day counts from its first minute, the day before not
    earliest = _brussels_today(now) - datetime.timedelta(days=meetings.HELD_AT_MOST_DAYS_AGO)
    midnight = datetime.datetime.combine(earliest, datetime.time(0, 0), BRUSSELS)
    assert _meeting(world, meetings.meeting_record, midnight).status == "held"
    _refused_on("starts_at", lambda: _meeting(world, meetings.meeting_record, midnight - MINUTE))


def test_moving_a_meeting(world: Any, now: datetime.datetime) -> None:
    planned = _meeting(world, meetings.meeting_schedule, now + 2 * MINUTE)
    held = _meeting(world, meetings.meeting_record, now - 2 * MINUTE)

    def move(meeting: Any, starts_at: datetime.datetime) -> Any:
        return meetings.meeting_reschedule(
            actor=world.director,
            case=world.case,
            meeting_id=meeting.pk,
            starts_at=starts_at,
            place="Elders",
        )

    assert move(planned, now + MINUTE).starts_at == now + MINUTE
    _refused_on("starts_at", lambda: move(planned, now - MINUTE))
    assert move(held, now - MINUTE).starts_at == now - MINUTE
    _refused_on("starts_at", lambda: move(held, now + MINUTE))


def test_finalising_a_meeting_held_yesterday_dates_it_yesterday(
    world: Any, now: datetime.datetime
) -> None:
    yesterday_evening = datetime.datetime.combine(
        _brussels_today(now) - DAY, datetime.time(23, 45), BRUSSELS
    )
    held = _meeting(world, meetings.meeting_record, yesterday_evening)
    meeting_finalise(actor=world.director, meeting_id=held.pk, actions=[])
    entry = TimelineEntry.objects.get(case=world.case, kind="network_meeting")
    assert entry.occurred_on == _brussels_today(now) - DAY


def test_the_phase_and_handover_entries_are_dated_brussels_today(
    world: Any, now: datetime.datetime, make_user: Any
) -> None:
    _plan_with_action(world)
    plans.plan_mark_presented(
        actor=world.director, case=world.case, presented_on=_brussels_today(now)
    )
    approve_current_plan(coordinator=world.coordinator, case=world.case)
    cases.case_phase_change(actor=world.director, case=world.case, to_phase="execution")
    new = make_user(email="regie-nieuw@test.example", full_name="Nieuwe Regisseur")
    Membership.objects.create(user=new, organisation=world.vh, role=Role.CASE_DIRECTOR)
    handover.case_director_reassign(actor=world.coordinator, case=world.case, new_director=new)
    dates = set(
        TimelineEntry.objects.filter(case=world.case, kind__in=["phase", "note"]).values_list(
            "occurred_on", flat=True
        )
    )
    assert dates == {_brussels_today(now)}


def test_the_reminder_horizon_and_over_tijd(world: Any, now: datetime.datetime) -> None:
    action = _plan_with_action(world)
    today = _brussels_today(now)
    Action.objects.filter(pk=action.pk).update(due_date=today + 4 * DAY)
    assert actions_due_notify(days_ahead=3) == 0
    Action.objects.filter(pk=action.pk).update(due_date=today + 3 * DAY)
    assert actions_due_notify(days_ahead=3) == 1
    assert Notification.objects.filter(kind="action_due").count() == 1
    assert dashboard(user=world.caw_partner).today == today


def test_the_forms_propose_brussels_today(
    world: Any, now: datetime.datetime, verified_client: Any
) -> None:
    client = verified_client(world.director)
    page = client.get(reverse("collaboration:timeline_add", args=[world.case.reference]))
    assert f'value="{_brussels_today(now).isoformat()}"' in page.content.decode()
    page = client.get(reverse("collaboration:plan_presented", args=[world.case.reference]))
    assert f'value="{_brussels_today(now).isoformat()}"' in page.content.decode()


def test_dates_of_receipt_of_a_subject_access_or_rectification_request(
    world: Any, now: datetime.datetime
) -> None:
    from collaboration.models import FamilyMember
    from collaboration.subject_access.rights import rectification_register
    from collaboration.subject_access.services import subject_access_register

    member = FamilyMember.objects.create(
        case=world.case, name="Fictieve Vader", birth_year=1980, family_role="father"
    )
    today = _brussels_today(now)

    def register(day: datetime.date) -> Any:
        return subject_access_register(
            actor=world.privacy,
            requester_name="Fictieve Vader",
            requester_relation="self",
            identity_checked_by="Rik",
            identity_check="id_card_shown",
            received_on=day,
            family_member=member,
        )

    def rectify(day: datetime.date) -> Any:
        return rectification_register(
            actor=world.privacy,
            family_member=member,
            kind="correct",
            request_text="Mijn geboortejaar klopt niet.",
            received_on=day,
        )

    _refused_on("received_on", lambda: register(today + DAY))
    assert register(today).received_on == today
    _refused_on("received_on", lambda: rectify(today + DAY))
    assert rectify(today).received_on == today
