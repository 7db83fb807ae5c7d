"""The director's overview (issue 15, item 6): the dashboard lists every open action in the
cases a person directs, with the next meeting per case and what waits on a coordinator; the
case page opens with a summary (next meeting, open and overdue actions, new since the previous
visit). Overdue is a Brussels calendar day."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from collaboration.models import CaseParticipant, ConsultRequest, Meeting
from collaboration.selectors.cases import case_workspace, dashboard
from collaboration.services import plans, timeline
from collaboration.services.referrals import referral_accept, referral_submit
from portal.organisations.models import Role
from tests.factories.cases import referral_data
from tests.factories.legal_bases import standing_basis
from tests.factories.worlds import member

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
DUE = datetime.date(2026, 3, 10)


def _plan_with_partner_action(world, case=None, *, director=None, due=DUE):
    case = case or world.case
    director = director or world.director
    goal = plans.goal_add(actor=director, case=case, domain="housing", description="Woning")
    return plans.action_add(
        actor=director,
        case=case,
        goal_id=goal.pk,
        description="Huurachterstel bespreken",
        organisation_id=world.caw.pk,
        responsible=world.caw_partner,
        due_date=due,
    )


def _case_of_another_director(world):
    other_director = member("regie2@test.example", "Ria Regie", world.vh, Role.CASE_DIRECTOR)
    case = referral_accept(
        actor=world.coordinator,
        referral=referral_submit(actor=world.referrer, **referral_data(world.clb)),
        case_director=other_director,
    )
    CaseParticipant.objects.create(
        case=case, user=world.caw_partner, organisation=world.caw, role_in_case="CAW"
    )
    plans_action = _plan_with_partner_action(world, case, director=other_director)
    return case, plans_action


@time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=BRUSSELS), tick=False)
def test_director_sees_partners_overdue_action_only_in_cases_he_directs(world) -> None:
    action = _plan_with_partner_action(world)
    _other_case, foreign_action = _case_of_another_director(world)

    data = dashboard(user=world.director)

    assert [a.pk for a in data.actions] == [action.pk]
    assert (data.open_action_count, data.overdue_action_count) == (1, 1)
    row = next(case for case in data.cases if case.pk == world.case.pk)
    assert (row.open_actions, row.overdue_actions) == (1, 1)
    # the other director sees theirs, the partner sees both (responsible in both cases)
    assert foreign_action.pk not in [a.pk for a in data.actions]
    assert {a.pk for a in dashboard(user=world.caw_partner).actions} == {
        action.pk,
        foreign_action.pk,
    }
    # a participant who is neither responsible nor director sees none of them
    assert dashboard(user=world.police_partner).actions == []


@time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=BRUSSELS), tick=False)
def test_each_action_is_counted_once_across_plan_versions(world) -> None:
    first = _plan_with_partner_action(world)
    plans.plan_mark_presented(
        actor=world.director, case=world.case, presented_on=datetime.date(2026, 3, 1)
    )
    plans.plan_new_version(actor=world.director, case=world.case)
    first.refresh_from_db()
    assert first.status == "carried_over"

    data = dashboard(user=world.director)
    assert [a.pk for a in data.actions] == [first.carried_over_to_id]
    assert data.open_action_count == 1
    assert next(c for c in data.cases if c.pk == world.case.pk).open_actions == 1
    workspace = case_workspace(user=world.director, reference=world.case.reference)
    assert [a.pk for a in workspace.open_actions] == [first.carried_over_to_id]


@pytest.mark.parametrize(
    ("local_time", "overdue"),
    [
        # 22:30 UTC: still the due date in Brussels, not overdue yet
        (datetime.datetime(2026, 3, 10, 23, 30, tzinfo=BRUSSELS), False),
        # 23:30 UTC on the due date: already the next day in Brussels
        (datetime.datetime(2026, 3, 11, 0, 30, tzinfo=BRUSSELS), True),
    ],
)
def test_overdue_is_a_brussels_calendar_day(world, local_time, overdue) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=BRUSSELS), tick=False):
        _plan_with_partner_action(world)
    with time_machine.travel(local_time, tick=False):
        data = dashboard(user=world.director)
        workspace = case_workspace(user=world.director, reference=world.case.reference)
    assert data.overdue_action_count == int(overdue)
    assert len(workspace.overdue_actions) == int(overdue)
    assert len(workspace.open_actions) == 1


def _meeting(world, starts_at, status="planned"):
    return Meeting.objects.create(
        case=world.case,
        kind="network",
        starts_at=starts_at,
        place="Gent",
        created_by=world.director,
        status=status,
    )


@time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=BRUSSELS), tick=False)
def test_next_meeting_per_case_skips_past_and_cancelled(world) -> None:
    _meeting(world, datetime.datetime(2026, 3, 19, 10, tzinfo=BRUSSELS))
    _meeting(world, datetime.datetime(2026, 3, 21, 10, tzinfo=BRUSSELS), status="cancelled")
    soonest = _meeting(world, datetime.datetime(2026, 3, 24, 10, tzinfo=BRUSSELS))
    _meeting(world, datetime.datetime(2026, 4, 24, 10, tzinfo=BRUSSELS))

    row = next(c for c in dashboard(user=world.director).cases if c.pk == world.case.pk)
    assert row.next_meeting_at == soonest.starts_at
    workspace = case_workspace(user=world.director, reference=world.case.reference)
    assert workspace.next_meeting == soonest


def test_new_since_the_previous_visit(world) -> None:
    # The real clock: on PostgreSQL the audit trail takes its time from the database, so a
    # travelling Python clock would not date the visits.
    reference = world.case.reference

    def note(title: str):
        return timeline.timeline_entry_add(
            actor=world.caw_partner,
            case=world.case,
            legal_basis_id=standing_basis(world.case),
            kind="note",
            occurred_on=timezone.localdate(),
            title=title,
        )

    note("Voor het eerste bezoek")
    first = case_workspace(user=world.director, reference=reference)
    assert first.previous_visit is None and first.new_timeline == []
    entry = note("Huisbezoek")
    # another person's visit does not count as the director's
    case_workspace(user=world.caw_partner, reference=reference)
    second = case_workspace(user=world.director, reference=reference)
    third = case_workspace(user=world.director, reference=reference)
    assert second.previous_visit is not None and second.previous_visit < entry.created_at
    assert [e.pk for e in second.new_timeline] == [entry.pk]
    assert third.new_timeline == []
    assert third.previous_visit is not None and third.previous_visit > entry.created_at


def test_dashboard_page_per_role(world, verified_client) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=BRUSSELS), tick=False):
        _plan_with_partner_action(world)
    ConsultRequest.objects.create(
        name="Vera Vraag",
        organisation="OCMW",
        email="vera@test.example",
        region=world.case.region,
        question="Kan dit gezin aangemeld worden?",
    )
    url = reverse("collaboration:home")
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=BRUSSELS), tick=True):
        director = verified_client(world.director).get(url).content.decode()
        partner = verified_client(world.caw_partner).get(url).content.decode()
        coordinator = verified_client(world.coordinator).get(url).content.decode()
    assert "Huurachterstel bespreken" in director and "Carla CAW" in director
    assert "1 daarvan is over tijd." in director
    assert "Huurachterstel bespreken" in partner and "uw actie" in partner
    assert "1 consultvraag wacht op een antwoord" in coordinator
    assert "consultvraag wacht" not in director


def test_case_page_opens_with_its_summary(world, verified_client) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=BRUSSELS), tick=False):
        _plan_with_partner_action(world)
    _meeting(world, datetime.datetime(2026, 3, 24, 10, tzinfo=BRUSSELS))
    url = reverse("collaboration:case_detail", args=[world.case.reference])
    pages = {}
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=BRUSSELS), tick=True):
        for who in ("director", "caw_partner", "coordinator"):
            pages[who] = verified_client(getattr(world, who)).get(url).content.decode()
    for who, html in pages.items():
        summary = html.split('id="stand"', 1)[1].split("</section>", 1)[0]
        assert "24 maart 2026 10:00" in summary, who
        assert "1 open actie" in summary and "1 over tijd" in summary, who
        assert "Dit is uw eerste bezoek aan dit dossier." in summary, who
        assert 'href="#stand"' in html and 'href="#documenten"' in html, who
