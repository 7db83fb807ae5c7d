"""Issue 15, items 4, 5 and 9 through the services: plan versions supersede (each action open
in one place, on the dashboard and in the reminders once); closure with a "Nee" needs a reason,
and every closure another coordinator's confirmation (issue 17, item 5); completion needs an evaluated plan and finished
actions; only the owning service, the case director and coordinators change an action."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import (
    Action,
    ActionStatus,
    Case,
    ClosureRequest,
    ClosureStatus,
    Membership,
    Notification,
    Phase,
    Role,
)
from collaboration.selectors.cases import dashboard
from collaboration.services import cases as case_services
from collaboration.services import closure, plans
from collaboration.services.notifications import actions_due_notify
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from tests.factories.cases import approve_current_plan

pytestmark = pytest.mark.django_db

YES = {
    "criterion_no_new_violence": "yes",
    "criterion_progress": "yes",
    "criterion_help_running": "yes",
    "criterion_everyone_knows": "yes",
    "criterion_clients_know_whom": "yes",
}
ONE_NO = {**YES, "criterion_no_new_violence": "no"}
# 10:00 in Brussels; the dates below are relative to it
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 3, 10)


def _action(world, *, due: datetime.date, description: str = "Huisbezoek") -> Action:
    goal = plans.goal_add(
        actor=world.director, case=world.case, domain="housing", description="Wonen"
    )
    return plans.action_add(
        actor=world.director,
        case=world.case,
        goal_id=goal.pk,
        description=description,
        organisation_id=world.caw.pk,
        responsible=world.caw_partner,
        due_date=due,
    )


# --- Item 4: plan versions supersede -------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_new_version_closes_the_old_actions_as_carried_over(world) -> None:
    old = _action(world, due=TODAY - datetime.timedelta(days=2))  # overdue
    finished = _action(world, due=TODAY, description="Al gedaan")
    plans.action_status_set(
        actor=world.caw_partner, case=world.case, action_id=finished.pk, status="done"
    )
    plan2 = plans.plan_new_version(actor=world.director, case=world.case)
    old.refresh_from_db()
    successor = Action.objects.get(goal__plan=plan2)  # only the open one moved
    assert old.status == ActionStatus.CARRIED_OVER and old.carried_over_to == successor
    assert successor.status == ActionStatus.OPEN and successor.origin == old
    assert (successor.description, successor.organisation, successor.responsible) == (
        old.description,
        old.organisation,
        old.responsible,
    )
    # open in one place only
    assert Action.objects.filter(case=world.case, status="open").count() == 1
    # a third version keeps the chain's first action as origin
    plan3 = plans.plan_new_version(actor=world.director, case=world.case)
    third = Action.objects.get(goal__plan=plan3)
    assert third.origin == old and third.lineage_id == old.pk
    successor.refresh_from_db()
    assert successor.carried_over_to == third
    event = AuditEvent.objects.filter(action=AuditAction.CASE_CHANGED).order_by("pk").last()
    assert event.extra == {"change": "plan_version", "version": 3, "carried_over": 1}


@time_machine.travel(NOW, tick=False)
def test_partner_dashboard_and_case_page_count_each_action_once(world, verified_client) -> None:
    _action(world, due=TODAY - datetime.timedelta(days=2))
    plans.plan_new_version(actor=world.director, case=world.case)
    assert len(dashboard(user=world.caw_partner).actions) == 1
    page = verified_client(world.caw_partner).get(
        reverse("collaboration:case_detail", args=[world.case.reference])
    )
    body = page.content.decode()
    assert body.count("Over tijd") == 1  # the old one is no longer overdue
    assert "overgenomen in versie 2" in body


@time_machine.travel(NOW, tick=False)
def test_reminder_goes_out_once_per_action_across_versions(
    world, django_capture_on_commit_callbacks
) -> None:
    _action(world, due=TODAY + datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert actions_due_notify() == 1
    plans.plan_new_version(actor=world.director, case=world.case)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions_due_notify() == 0  # the copy is the same action
    assert mail.outbox == []
    assert Notification.objects.filter(user=world.caw_partner, kind="action_due").count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_carried_over_action_cannot_be_changed_nor_set_by_hand(world) -> None:
    old = _action(world, due=TODAY)
    plans.plan_new_version(actor=world.director, case=world.case)
    with pytest.raises(ValidationError) as error:
        plans.action_status_set(
            actor=world.director, case=world.case, action_id=old.pk, status="done"
        )
    assert "status" in error.value.message_dict
    successor = Action.objects.get(origin=old)
    with pytest.raises(ValidationError) as error:
        plans.action_status_set(
            actor=world.director, case=world.case, action_id=successor.pk, status="carried_over"
        )
    assert "status" in error.value.message_dict
    assert Action.objects.get(pk=successor.pk).status == "open"


def test_migration_closes_copies_left_open_by_the_old_versions(world) -> None:
    """The data migration: originals left open by a copy in the next version are closed."""
    import importlib

    from django.apps import apps

    from collaboration.models import ActionPlan, Goal

    old = _action(world, due=datetime.date(2030, 1, 1))
    plan2 = ActionPlan.objects.create(case=world.case, version=2, created_by=world.director)
    goal2 = Goal.objects.create(plan=plan2, domain="housing", description="Wonen")
    copy = Action.objects.create(
        goal=goal2,
        case=world.case,
        description=old.description,
        organisation=old.organisation,
        responsible=old.responsible,
        due_date=old.due_date,
    )
    migration = importlib.import_module(
        "collaboration.migrations.0008_plan_versions_and_closure_guards"
    )
    migration.supersede_copied_actions(apps, None)
    old.refresh_from_db()
    copy.refresh_from_db()
    assert (old.status, old.carried_over_to_id, copy.origin_id) == ("carried_over", copy.pk, old.pk)


# --- Item 5: guards that guard ----------------------------------------------------------------


def _in_execution(world) -> Action:
    action = _action(world, due=datetime.date(2030, 1, 1))
    plans.plan_mark_presented(
        actor=world.director, case=world.case, presented_on=datetime.date(2026, 1, 5)
    )
    approve_current_plan(coordinator=world.coordinator, case=world.case)
    case_services.case_phase_change(actor=world.director, case=world.case, to_phase=Phase.EXECUTION)
    return action


def _to_completion(world) -> Case:
    action = _in_execution(world)
    plans.action_status_set(
        actor=world.caw_partner, case=world.case, action_id=action.pk, status="done"
    )
    plans.plan_evaluate(
        actor=world.director,
        case=world.case,
        evaluation="Doelen bereikt.",
        evaluated_on=datetime.date(2026, 1, 6),
    )
    return case_services.case_phase_change(
        actor=world.director, case=world.case, to_phase=Phase.COMPLETION
    )


def test_completion_needs_an_evaluated_plan_and_finished_actions(world) -> None:
    action = _in_execution(world)
    with pytest.raises(ValidationError) as error:
        case_services.case_phase_change(
            actor=world.director, case=world.case, to_phase=Phase.COMPLETION
        )
    messages = error.value.message_dict["to_phase"]  # attached to the field, in Dutch
    assert any("Evalueer eerst het plan" in m for m in messages)
    assert any("Nog 1 actie is niet afgerond" in m for m in messages)
    plans.plan_evaluate(
        actor=world.director,
        case=world.case,
        evaluation="Wonen geregeld.",
        evaluated_on=datetime.date(2026, 1, 6),
    )
    plans.action_status_set(
        actor=world.caw_partner, case=world.case, action_id=action.pk, status="not_done"
    )
    with pytest.raises(ValidationError) as error:  # "niet gedaan" is not finished
        case_services.case_phase_change(
            actor=world.director, case=world.case, to_phase=Phase.COMPLETION
        )
    assert error.value.message_dict["to_phase"] == [
        "Nog 1 actie is niet afgerond. Zet ze op 'gedaan' of 'niet mogelijk' (met reden), of "
        "neem ze over in een nieuwe versie van het plan."
    ]
    assert Case.objects.get(pk=world.case.pk).phase == Phase.EXECUTION  # nothing half-saved
    plans.action_status_set(
        actor=world.caw_partner,
        case=world.case,
        action_id=action.pk,
        status="not_possible",
        reason="Gezin verhuisd",
    )
    case = case_services.case_phase_change(
        actor=world.director, case=world.case, to_phase=Phase.COMPLETION
    )
    assert case.phase == Phase.COMPLETION


def test_a_new_version_needs_its_own_evaluation(world) -> None:
    action = _in_execution(world)
    plans.plan_evaluate(
        actor=world.director,
        case=world.case,
        evaluation="v1",
        evaluated_on=datetime.date(2026, 1, 6),
    )
    plans.plan_new_version(actor=world.director, case=world.case)  # the action is carried over
    successor = Action.objects.get(origin=action)
    plans.action_status_set(
        actor=world.caw_partner, case=world.case, action_id=successor.pk, status="done"
    )
    with pytest.raises(ValidationError) as error:
        case_services.case_phase_change(
            actor=world.director, case=world.case, to_phase=Phase.COMPLETION
        )
    assert len(error.value.message_dict["to_phase"]) == 1  # only the evaluation is missing


def test_plan_evaluation_rules(world) -> None:
    _action(world, due=TODAY)
    with pytest.raises(NotFoundOrNotAllowed):
        plans.plan_evaluate(
            actor=world.caw_partner, case=world.case, evaluation="x", evaluated_on=TODAY
        )
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as error:
        plans.plan_evaluate(
            actor=world.director,
            case=world.case,
            evaluation="  ",
            evaluated_on=TODAY + datetime.timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"evaluation", "evaluated_on"}


def test_closing_with_a_no_needs_a_reason_per_no(world) -> None:
    case = _to_completion(world)
    with pytest.raises(ValidationError) as error:
        case_services.case_close(
            actor=world.director,
            case=case,
            criteria={**ONE_NO, "criterion_progress": "no"},
            reasons={"criterion_progress": "Weinig vooruitgang."},
            closing_summary="Samenvatting",
            contact_card="CAW onthaal",
        )
    assert set(error.value.message_dict) == {"criterion_no_new_violence_reason"}
    assert not ClosureRequest.objects.exists()
    assert Case.objects.get(pk=case.pk).phase == Phase.COMPLETION


def _request_with_no(world, case: Case) -> Case:
    return case_services.case_close(
        actor=world.director,
        case=case,
        criteria=ONE_NO,
        reasons={"criterion_no_new_violence": "Nieuw incident in januari, geen letsel."},
        closing_summary="Hulpverlening loopt via het CAW.",
        contact_card="CAW: vragen over wonen.",
    )


def test_a_no_waits_for_a_coordinator_and_the_director_cannot_confirm(
    world, make_user, django_capture_on_commit_callbacks
) -> None:
    case = _to_completion(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = _request_with_no(world, case)
    assert case.phase == Phase.COMPLETION and not case.is_closed
    request = ClosureRequest.objects.get()
    assert request.status == ClosureStatus.PENDING and request.requested_by == world.director
    assert request.reasons == {
        "criterion_no_new_violence": "Nieuw incident in januari, geen letsel."
    }
    # the coordinator is told, without content
    assert Notification.objects.filter(user=world.coordinator, kind="approval_pending").exists()
    assert [m.to for m in mail.outbox] == [[world.coordinator.email]]
    assert "incident" not in mail.outbox[0].body
    # a second request, another way of closing, or a phase change: refused while it waits
    with pytest.raises(ValidationError):
        _request_with_no(world, case)
    with pytest.raises(ValidationError):
        case_services.case_close(
            actor=world.director,
            case=case,
            criteria=YES,
            closing_summary="x",
            contact_card="y",
        )
    with pytest.raises(ValidationError) as error:
        case_services.case_phase_change(actor=world.director, case=case, to_phase=Phase.EXECUTION)
    assert "to_phase" in error.value.message_dict
    # the case director, a partner, a coordinator of another region: not found
    other_region = make_user(email="coord-lim@test.example")
    Membership.objects.create(
        user=other_region, organisation=world.other_caw, role=Role.COORDINATOR
    )
    for who in (world.director, world.caw_partner, other_region):
        with pytest.raises(NotFoundOrNotAllowed):
            closure.closure_decide(actor=who, case=case, decision="confirm")
    assert AuditEvent.objects.filter(
        outcome=Outcome.DENIED, actor=world.director, extra__change="closure"
    ).exists()
    assert Case.objects.get(pk=case.pk).phase == Phase.COMPLETION


def test_a_coordinator_who_is_the_director_cannot_confirm_their_own(world) -> None:
    """A coordinator directing the case needs another coordinator; none left: it says so."""
    case = _to_completion(world)
    Membership.objects.create(user=world.director, organisation=world.vh, role=Role.COORDINATOR)
    Membership.objects.filter(user=world.coordinator).update(is_active=False)
    with pytest.raises(ValidationError) as error:
        _request_with_no(world, case)
    assert "geen andere coördinator" in " ".join(error.value.messages)
    assert not ClosureRequest.objects.exists()
    with pytest.raises(NotFoundOrNotAllowed):
        closure.closure_decide(actor=world.director, case=case, decision="confirm")


def test_the_requesting_coordinator_cannot_confirm_their_own_request(world, make_user) -> None:
    second = make_user(email="coord2@test.example")
    Membership.objects.create(user=second, organisation=world.vh, role=Role.COORDINATOR)
    case = _to_completion(world)
    case_services.case_close(
        actor=world.coordinator,
        case=case,
        criteria=ONE_NO,
        reasons={"criterion_no_new_violence": "Incident"},
        closing_summary="x",
        contact_card="y",
    )
    with pytest.raises(ValidationError) as error:
        closure.closure_decide(actor=world.coordinator, case=case, decision="confirm")
    assert "decision" in error.value.message_dict
    request = closure.closure_decide(actor=second, case=case, decision="confirm")
    assert request.status == ClosureStatus.CONFIRMED


def test_coordinator_refuses_with_a_reason_then_confirms_a_new_request(world) -> None:
    case = _to_completion(world)
    _request_with_no(world, case)
    with pytest.raises(ValidationError) as error:
        closure.closure_decide(actor=world.coordinator, case=case, decision="refuse", note=" ")
    assert "note" in error.value.message_dict
    refused = closure.closure_decide(
        actor=world.coordinator, case=case, decision="refuse", note="Eerst nog een netwerkoverleg."
    )
    assert refused.status == ClosureStatus.REFUSED and refused.decided_by == world.coordinator
    assert Case.objects.get(pk=case.pk).phase == Phase.COMPLETION
    assert Notification.objects.filter(user=world.director, kind="approval_decided").exists()
    refusal = AuditEvent.objects.get(action=AuditAction.APPROVAL_REFUSED)
    assert refusal.extra == {
        "approval_id": refused.approval.pk,
        "subject": "closure",
        "closure_request_id": refused.pk,
    }  # ids only: never the reason
    assert refused.approval.comment == "Eerst nog een netwerkoverleg."

    _request_with_no(world, case)  # asked again after the meeting
    confirmed = closure.closure_decide(actor=world.coordinator, case=case, decision="confirm")
    case.refresh_from_db()
    assert confirmed.status == ClosureStatus.CONFIRMED
    assert case.phase == Phase.CLOSED and case.closed_at is not None
    assert case.criterion_no_new_violence == "no"
    assert case.closing_summary == "Hulpverlening loopt via het CAW."
    closed = AuditEvent.objects.get(action=AuditAction.CASE_CLOSED)
    assert closed.actor == world.coordinator
    assert closed.extra["closure_request"] == confirmed.pk
    assert closed.extra["requested_by"] == world.director.pk
    # nothing left to decide
    with pytest.raises(NotFoundOrNotAllowed):
        closure.closure_decide(actor=world.coordinator, case=case, decision="confirm")


def test_all_yes_also_waits_for_a_coordinator(world) -> None:
    """Every closure goes through four eyes (issue 17, item 5), not only one with a "Nee"."""
    case = _to_completion(world)
    case = case_services.case_close(
        actor=world.director, case=case, criteria=YES, closing_summary="x", contact_card="y"
    )
    assert case.phase == Phase.COMPLETION and not case.is_closed
    request = ClosureRequest.objects.get()
    assert request.reasons == {} and request.approval.status == "pending"
    with pytest.raises(NotFoundOrNotAllowed):  # not by the director
        closure.closure_decide(actor=world.director, case=case, decision="confirm")
    closure.closure_decide(actor=world.coordinator, case=case, decision="confirm")
    case.refresh_from_db()
    assert case.phase == Phase.CLOSED
    assert ClosureRequest.objects.get().approval.status == "approved"


# --- Item 9: action rights ---------------------------------------------------------------------


def test_only_the_owning_service_the_director_and_coordinators_change_an_action(world) -> None:
    action = _action(world, due=datetime.date(2030, 1, 1))  # owned by the CAW
    for who in (world.police_partner, world.outsider_member, world.referrer):
        with pytest.raises(NotFoundOrNotAllowed):
            plans.action_status_set(actor=who, case=world.case, action_id=action.pk, status="done")
    assert Action.objects.get(pk=action.pk).status == "open"
    assert AuditEvent.objects.filter(
        outcome=Outcome.DENIED, actor=world.police_partner, extra__change="action"
    ).exists()
    for who, status in (
        (world.caw_partner, "done"),
        (world.director, "open"),
        (world.coordinator, "done"),
    ):
        plans.action_status_set(actor=who, case=world.case, action_id=action.pk, status=status)
        assert Action.objects.get(pk=action.pk).status == status


def test_the_responsible_person_acts_for_the_owning_service(world) -> None:
    goal = plans.goal_add(actor=world.director, case=world.case, domain="safety", description="V")
    with pytest.raises(ValidationError) as error:
        plans.action_add(
            actor=world.director,
            case=world.case,
            goal_id=goal.pk,
            description="Verslag aan het parket",
            organisation_id=world.police.pk,
            responsible=world.caw_partner,  # CAW, not police
            due_date=None,
        )
    assert "responsible" in error.value.message_dict


@pytest.mark.parametrize(
    "moment",
    [
        "2026-01-14T23:30:00+01:00",  # 22:30 UTC: still the 14th in Brussels
        "2026-01-15T00:30:00+01:00",  # 23:30 UTC on the 14th: already the 15th in Brussels
        "2026-03-29T03:30:00+02:00",  # the spring change day, just after 02:00 -> 03:00
        "2026-10-25T02:30:00+01:00",  # the autumn change day, the second 02:30
    ],
)
def test_the_evaluation_date_is_compared_with_the_day_in_brussels(world, moment: str) -> None:
    _action(world, due=datetime.date(2030, 1, 1))
    at = datetime.datetime.fromisoformat(moment)
    brussels_today = at.date()  # the offsets above are Brussels time
    with time_machine.travel(at, tick=False):
        with pytest.raises(ValidationError) as error:
            plans.plan_evaluate(
                actor=world.director,
                case=world.case,
                evaluation="Geëvalueerd",
                evaluated_on=brussels_today + datetime.timedelta(days=1),
            )
        assert set(error.value.message_dict) == {"evaluated_on"}
        plan = plans.plan_evaluate(
            actor=world.director,
            case=world.case,
            evaluation="Geëvalueerd",
            evaluated_on=brussels_today,
        )
    assert plan.evaluated_on == brussels_today
