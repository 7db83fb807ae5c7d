"""Case director handover: a coordinator of the region names another director (audited, both
told); when a director's membership ends, the case shows as "zonder regisseur" on the
coordinators' dashboard and refuses new work, and only new work, until it has a new one."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import (
    Membership,
    Notification,
    Role,
    TimelineEntry,
)
from collaboration.selectors.handover import cases_without_director
from collaboration.services import cases, handover, meetings, plans, timeline
from collaboration.services.minutes import meeting_finalise
from portal.audit.models import AuditEvent
from tests.factories.legal_bases import standing_basis

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_director(world: Any, make_user: Any) -> Any:
    user = make_user(email="regie2@test.example", full_name="Roos Regisseur")
    Membership.objects.create(user=user, organisation=world.vh, role=Role.CASE_DIRECTOR)
    return user


def _end_membership(user: Any) -> None:
    Membership.objects.filter(user=user).update(is_active=False)


def test_a_coordinator_reassigns_the_director_audited_and_both_told(
    world: Any, second_director: Any
) -> None:
    Notification.objects.all().delete()
    handover.case_director_reassign(
        actor=world.coordinator, case=world.case, new_director=second_director
    )
    world.case.refresh_from_db()
    assert world.case.case_director == second_director
    told = dict(Notification.objects.filter(kind="director_changed").values_list("user", "link"))
    assert told == {
        second_director.pk: reverse("collaboration:case_detail", args=[world.case.reference]),
        world.director.pk: reverse("collaboration:home"),  # who no longer sees the case
    }
    event = AuditEvent.objects.filter(extra__change="director_reassigned").get()
    assert event.extra["from_user_id"] == world.director.pk
    assert event.extra["to_user_id"] == second_director.pk
    entry = TimelineEntry.objects.get(case=world.case, title__startswith="Nieuwe casusregisseur")
    assert entry.occurred_on == timezone.localdate()
    # the old director's access ends with the handover
    with pytest.raises(NotFoundOrNotAllowed):
        plans.goal_add(actor=world.director, case=world.case, domain="safety", description="x")


def test_only_a_coordinator_of_the_region_reassigns_and_only_to_a_director_there(
    world: Any, second_director: Any
) -> None:
    for actor in (world.director, world.caw_partner, world.privacy, world.outsider_member):
        with pytest.raises(NotFoundOrNotAllowed):
            handover.case_director_reassign(
                actor=actor, case=world.case, new_director=second_director
            )
    for candidate in (world.caw_partner, world.outsider_member, world.director, None):
        with pytest.raises(ValidationError) as excinfo:
            handover.case_director_reassign(
                actor=world.coordinator, case=world.case, new_director=candidate
            )
        assert "case_director" in excinfo.value.message_dict
    world.case.refresh_from_db()
    assert world.case.case_director == world.director
    assert not AuditEvent.objects.filter(extra__change="director_reassigned").exists()


def test_a_case_whose_director_left_is_listed_for_the_coordinators_only(
    world: Any, second_director: Any, verified_client: Any
) -> None:
    assert cases_without_director(user=world.coordinator) == []
    _end_membership(world.director)
    assert cases_without_director(user=world.coordinator) == [world.case]
    for other in (world.caw_partner, second_director, world.privacy):
        assert cases_without_director(user=other) == []
    page = verified_client(world.coordinator).get(reverse("collaboration:home")).content.decode()
    assert "Dossiers zonder regisseur" in page and world.case.reference in page
    assert reverse("collaboration:director_reassign", args=[world.case.reference]) in page
    handover.case_director_reassign(
        actor=world.coordinator, case=world.case, new_director=second_director
    )
    assert cases_without_director(user=world.coordinator) == []


def test_without_a_director_new_work_is_refused_and_everything_else_goes_on(
    world: Any, second_director: Any
) -> None:
    goal = plans.goal_add(
        actor=world.coordinator, case=world.case, domain="safety", description="Veilig"
    )
    action = plans.action_add(
        actor=world.coordinator,
        case=world.case,
        goal_id=goal.pk,
        description="Huisbezoek",
        organisation_id=world.caw.pk,
        responsible=world.caw_partner,
        due_date=None,
    )
    planned = meetings.meeting_schedule(
        actor=world.coordinator,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        kind="network",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        place="Zaal",
        invitee_ids=[],
    )
    _end_membership(world.director)
    coordinator, case = world.coordinator, world.case
    soon = timezone.now() + datetime.timedelta(days=3)
    new_work = [
        lambda: plans.goal_add(actor=coordinator, case=case, domain="housing", description="Wonen"),
        lambda: plans.action_add(
            actor=coordinator,
            case=case,
            goal_id=goal.pk,
            description="Nog een actie",
            organisation_id=world.caw.pk,
            responsible=None,
            due_date=None,
        ),
        lambda: plans.plan_new_version(actor=coordinator, case=case),
        lambda: meetings.meeting_schedule(
            actor=coordinator,
            case=case,
            legal_basis_id=standing_basis(case),
            kind="network",
            starts_at=soon,
            place="Zaal",
            invitee_ids=[],
        ),
        lambda: meetings.meeting_record(
            actor=coordinator,
            case=case,
            legal_basis_id=standing_basis(case),
            kind="client",
            starts_at=timezone.now() - datetime.timedelta(hours=1),
            place="Thuis",
            invitee_ids=[],
        ),
        lambda: cases.case_phase_change(actor=coordinator, case=case, to_phase="execution"),
    ]
    for attempt in new_work:
        with pytest.raises(ValidationError, match="zonder regisseur"):
            attempt()
    # not new work: the partners' and coordinator's ongoing work
    timeline.timeline_entry_add(
        actor=world.caw_partner,
        case=case,
        legal_basis_id=standing_basis(case),
        kind="note",
        occurred_on=timezone.localdate(),
        title="Huisbezoek gedaan",
    )
    plans.action_status_set(actor=world.caw_partner, case=case, action_id=action.pk, status="done")
    plans.assessment_save(actor=world.caw_partner, case=case, domain="housing", worries="Huur")
    meetings.meeting_reschedule(
        actor=coordinator, case=case, meeting_id=planned.pk, starts_at=soon, place="Elders"
    )
    cases.family_member_add(
        actor=coordinator, case=case, name="Fictief Kind", birth_year=2015, family_role="child"
    )
    meeting_finalise(actor=coordinator, meeting_id=planned.pk, actions=[])
    # a new director in office lifts the refusal
    handover.case_director_reassign(actor=coordinator, case=case, new_director=second_director)
    world.case.refresh_from_db()
    plans.goal_add(actor=second_director, case=world.case, domain="housing", description="Wonen")


def test_the_reassign_page_for_coordinators_only(
    world: Any, second_director: Any, verified_client: Any
) -> None:
    url = reverse("collaboration:director_reassign", args=[world.case.reference])
    assert verified_client(world.director).get(url).status_code == 404
    client = verified_client(world.coordinator)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert second_director.full_name in body
    assert f'value="{world.director.pk}"' not in body  # the current director is not offered
    response = client.post(url, {"case_director": world.caw_partner.pk})
    assert response.status_code == 200 and "case_director" in response.context["form"].errors
    response = client.post(url, {"case_director": second_director.pk})
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.case_director == second_director
