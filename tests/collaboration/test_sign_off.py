"""Issue 17, item 5: four eyes on the plan presented in team regie and on every closure, and the
escalation of a referral that nobody decides.

Through the services: who may decide (a coordinator of the region who is neither the case
director, also not when the director coordinates the region too, nor the one who asked), a
refusal needs a reason and goes back (a new request, history kept), the guards before execution
and closure, the notifications (without content) and the audit records (ids and subject only).
Through the views: the decision page, the case page and the coordinator's dashboard, with their
query counts. The referral escalation with a pinned clock around Brussels midnight and a weekend.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import (
    Approval,
    Case,
    CaseParticipant,
    ClosureRequest,
    Membership,
    Notification,
    Phase,
    Referral,
    Role,
)
from collaboration.services import cases as case_services
from collaboration.services import closure, plans
from collaboration.services.approvals import plan_approval_decide
from collaboration.services.referrals import (
    referral_accept,
    referral_decline,
    referral_submit,
    referrals_escalate,
)
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from tests.factories.cases import approve_current_plan, referral_data

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
REFUSAL = "Het plan mist een actie rond de veiligheid van de kinderen."
COMMENT = "Goed plan; volg de huisbezoeken strak op."
YES = {
    "criterion_no_new_violence": "yes",
    "criterion_progress": "yes",
    "criterion_help_running": "yes",
    "criterion_everyone_knows": "yes",
    "criterion_clients_know_whom": "yes",
}


def _plan(world: Any, case: Case | None = None) -> None:
    case = case or world.case
    goal = plans.goal_add(actor=world.director, case=case, domain="safety", description="Veilig")
    plans.action_add(
        actor=world.director,
        case=case,
        goal_id=goal.pk,
        description="Huisbezoek",
        organisation_id=world.caw.pk,
        responsible=world.caw_partner,
        due_date=None,
    )


def _present(world: Any, case: Case | None = None) -> Any:
    return plans.plan_mark_presented(
        actor=world.director, case=case or world.case, presented_on=datetime.date(2026, 1, 5)
    )


def _to_execution(world: Any) -> Case:
    _present(world)
    approve_current_plan(coordinator=world.coordinator, case=world.case)
    return case_services.case_phase_change(
        actor=world.director, case=world.case, to_phase=Phase.EXECUTION
    )


def _second_coordinator(make_user: Any, world: Any) -> Any:
    second = make_user(email="coord2@test.example", full_name="Cees Coördinator")
    Membership.objects.create(user=second, organisation=world.vh, role=Role.COORDINATOR)
    return second


def _other_region_coordinator(make_user: Any, world: Any) -> Any:
    other = make_user(email="coord-lim@test.example")
    Membership.objects.create(user=other, organisation=world.other_caw, role=Role.COORDINATOR)
    return other


# --- The plan: asked when presented, decided by four eyes -----------------------------------


def test_presenting_the_plan_asks_the_coordinators_without_content(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _plan(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        plan = _present(world)
    approval = Approval.objects.get()
    assert (approval.subject, approval.plan, approval.status, approval.requested_by) == (
        "plan",
        plan,
        "pending",
        world.director,
    )
    # the coordinator of the region is told; not the director who asked, not the partners
    assert list(
        Notification.objects.filter(kind="approval_pending").values_list("user", flat=True)
    ) == [world.coordinator.pk]
    assert [m.to for m in mail.outbox] == [[world.coordinator.email]]
    assert "Huisbezoek" not in mail.outbox[0].body and world.case.reference not in (
        mail.outbox[0].subject
    )
    event = AuditEvent.objects.get(action=AuditAction.APPROVAL_REQUESTED)
    assert event.extra == {"approval_id": approval.pk, "subject": "plan", "plan_id": plan.pk}
    assert event.object_type == "approval" and event.case_reference == world.case.reference


def test_execution_needs_the_current_version_approved(world: Any) -> None:
    _plan(world)
    _present(world)
    with pytest.raises(ValidationError) as error:
        case_services.case_phase_change(
            actor=world.director, case=world.case, to_phase=Phase.EXECUTION
        )
    assert "goedkeurde" in " ".join(error.value.messages)
    assert Case.objects.get(pk=world.case.pk).phase == Phase.EXPLORATION
    approve_current_plan(coordinator=world.coordinator, case=world.case)
    case = case_services.case_phase_change(
        actor=world.director, case=world.case, to_phase=Phase.EXECUTION
    )
    assert case.phase == Phase.EXECUTION


@pytest.mark.parametrize("director_coordinates_too", [False, True])
def test_the_director_cannot_approve_their_own_plan(
    world: Any, make_user: Any, director_coordinates_too: bool
) -> None:
    """Also not when the director is a coordinator of the region as well."""
    if director_coordinates_too:
        Membership.objects.create(user=world.director, organisation=world.vh, role=Role.COORDINATOR)
    _plan(world)
    _present(world)
    with pytest.raises(NotFoundOrNotAllowed):
        plan_approval_decide(actor=world.director, case=world.case, decision="approve")
    assert Approval.objects.get().status == "pending"
    assert AuditEvent.objects.filter(
        outcome=Outcome.DENIED, actor=world.director, extra__change="plan_approval"
    ).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.APPROVAL_GIVEN).exists()


def test_partners_and_other_regions_cannot_decide_and_see_not_found(
    world: Any, make_user: Any
) -> None:
    other_region = _other_region_coordinator(make_user, world)
    _plan(world)
    _present(world)
    for who in (world.caw_partner, world.referrer, other_region, world.privacy):
        with pytest.raises(NotFoundOrNotAllowed):
            plan_approval_decide(actor=who, case=world.case, decision="approve")
    assert Approval.objects.get().status == "pending"
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED, actor=other_region).exists()


def test_the_coordinator_who_asked_does_not_decide_another_one_does(
    world: Any, make_user: Any
) -> None:
    second = _second_coordinator(make_user, world)
    _plan(world)
    plans.plan_mark_presented(
        actor=world.coordinator, case=world.case, presented_on=datetime.date(2026, 1, 5)
    )
    # asked by a coordinator: the other coordinator is told, not the one who asked
    assert set(
        Notification.objects.filter(kind="approval_pending").values_list("user", flat=True)
    ) == {second.pk}
    with pytest.raises(ValidationError) as error:
        plan_approval_decide(actor=world.coordinator, case=world.case, decision="approve")
    assert "decision" in error.value.message_dict
    assert plan_approval_decide(actor=second, case=world.case, decision="approve").status == (
        "approved"
    )


def test_without_another_coordinator_the_request_is_refused_and_nothing_saved(
    world: Any,
) -> None:
    Membership.objects.create(user=world.director, organisation=world.vh, role=Role.COORDINATOR)
    Membership.objects.filter(user=world.coordinator).update(is_active=False)
    _plan(world)
    with pytest.raises(ValidationError) as error:
        _present(world)
    assert "geen andere coördinator" in " ".join(error.value.messages)
    assert not Approval.objects.exists()
    assert plans.current_plan(world.case).presented_in_team_on is None  # rolled back


def test_a_refusal_needs_a_reason_goes_back_and_a_new_request_keeps_the_history(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _plan(world)
    _present(world)
    for bad in ("", "   "):
        with pytest.raises(ValidationError) as error:
            plan_approval_decide(
                actor=world.coordinator, case=world.case, decision="refuse", comment=bad
            )
        assert "comment" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        plan_approval_decide(actor=world.coordinator, case=world.case, decision="maybe")
    assert "decision" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        plan_approval_decide(
            actor=world.coordinator, case=world.case, decision="refuse", comment="x" * 2001
        )
    assert "comment" in error.value.message_dict
    assert Approval.objects.get().status == "pending"  # nothing saved
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refused = plan_approval_decide(
            actor=world.coordinator, case=world.case, decision="refuse", comment=REFUSAL
        )
    assert (refused.status, refused.decided_by, refused.comment) == (
        "refused",
        world.coordinator,
        REFUSAL,
    )
    assert Notification.objects.filter(user=world.director, kind="approval_decided").exists()
    assert [m.to for m in mail.outbox] == [[world.director.email]]
    assert "veiligheid" not in mail.outbox[0].body
    event = AuditEvent.objects.get(action=AuditAction.APPROVAL_REFUSED)
    assert event.extra == {
        "approval_id": refused.pk,
        "subject": "plan",
        "plan_id": refused.plan_id,
    }
    assert REFUSAL not in str(event.extra) and REFUSAL not in (event.purpose or "")
    with pytest.raises(ValidationError):  # refused: execution stays closed
        case_services.case_phase_change(
            actor=world.director, case=world.case, to_phase=Phase.EXECUTION
        )
    # nothing to decide any more
    with pytest.raises(NotFoundOrNotAllowed):
        plan_approval_decide(actor=world.coordinator, case=world.case, decision="approve")

    # the director changes the plan and presents it again: a new request
    _plan(world)
    _present(world)
    assert Approval.objects.filter(case=world.case).count() == 2
    approved = plan_approval_decide(
        actor=world.coordinator, case=world.case, decision="approve", comment=COMMENT
    )
    assert approved.pk != refused.pk and approved.comment == COMMENT
    assert list(Approval.objects.order_by("pk").values_list("status", flat=True)) == [
        "refused",
        "approved",
    ]
    given = AuditEvent.objects.get(action=AuditAction.APPROVAL_GIVEN)
    assert COMMENT not in str(given.extra)
    assert (
        case_services.case_phase_change(
            actor=world.director, case=world.case, to_phase=Phase.EXECUTION
        ).phase
        == Phase.EXECUTION
    )


def test_presenting_again_while_waiting_or_after_approval_is_refused(world: Any) -> None:
    _plan(world)
    _present(world)
    with pytest.raises(ValidationError):
        _present(world)
    assert Approval.objects.count() == 1
    approve_current_plan(coordinator=world.coordinator, case=world.case)
    with pytest.raises(ValidationError) as error:
        _present(world)
    assert "nieuwe versie" in " ".join(error.value.messages)
    assert Approval.objects.count() == 1


def test_a_new_version_needs_its_own_approval_and_the_waiting_one_lapses(world: Any) -> None:
    _plan(world)
    _present(world)
    plans.plan_new_version(actor=world.director, case=world.case)
    assert Approval.objects.get().status == "superseded"
    with pytest.raises(NotFoundOrNotAllowed):  # nothing waits for the new version yet
        plan_approval_decide(actor=world.coordinator, case=world.case, decision="approve")
    _present(world)
    approve_current_plan(coordinator=world.coordinator, case=world.case)
    # the approval of version 1 would not count for version 2, and vice versa
    plans.plan_new_version(actor=world.director, case=world.case)
    with pytest.raises(ValidationError):
        case_services.case_phase_change(
            actor=world.director, case=world.case, to_phase=Phase.EXECUTION
        )


# --- Closure: every one through four eyes ----------------------------------------------------


def _to_completion(world: Any) -> Case:
    _plan(world)
    _to_execution(world)
    for action in plans.current_plan(world.case).goals.get().actions.all():
        plans.action_status_set(
            actor=world.director, case=world.case, action_id=action.pk, status="done"
        )
    plans.plan_evaluate(
        actor=world.director,
        case=world.case,
        evaluation="Bereikt.",
        evaluated_on=datetime.date(2026, 1, 6),
    )
    return case_services.case_phase_change(
        actor=world.director, case=world.case, to_phase=Phase.COMPLETION
    )


@pytest.mark.parametrize("director_coordinates_too", [False, True])
def test_a_closure_waits_and_the_director_cannot_confirm_it(
    world: Any, director_coordinates_too: bool
) -> None:
    case = _to_completion(world)
    if director_coordinates_too:
        Membership.objects.create(user=world.director, organisation=world.vh, role=Role.COORDINATOR)
    case = case_services.case_close(
        actor=world.director, case=case, criteria=YES, closing_summary="x", contact_card="y"
    )
    assert case.phase == Phase.COMPLETION
    approval = Approval.objects.get(subject="closure")
    assert approval.closure == ClosureRequest.objects.get() and approval.status == "pending"
    with pytest.raises(NotFoundOrNotAllowed):
        closure.closure_decide(actor=world.director, case=case, decision="confirm")
    assert Case.objects.get(pk=case.pk).phase == Phase.COMPLETION
    closure.closure_decide(actor=world.coordinator, case=case, decision="confirm", note="Akkoord.")
    approval.refresh_from_db()
    assert (approval.status, approval.comment) == ("approved", "Akkoord.")
    assert Case.objects.get(pk=case.pk).phase == Phase.CLOSED
    given = AuditEvent.objects.get(action=AuditAction.APPROVAL_GIVEN, extra__subject="closure")
    assert given.extra == {
        "approval_id": approval.pk,
        "subject": "closure",
        "closure_request_id": approval.closure_id,
    }
    closed = AuditEvent.objects.get(action=AuditAction.CASE_CLOSED)
    assert closed.extra["approval_id"] == approval.pk


def test_a_refused_closure_goes_back_with_its_reason_on_the_case_page(
    world: Any, verified_client: Any
) -> None:
    case = _to_completion(world)
    case_services.case_close(
        actor=world.director, case=case, criteria=YES, closing_summary="x", contact_card="y"
    )
    closure.closure_decide(
        actor=world.coordinator, case=case, decision="refuse", note="Eerst een netwerkoverleg."
    )
    assert Case.objects.get(pk=case.pk).phase == Phase.COMPLETION
    page = verified_client(world.director).get(
        reverse("collaboration:case_detail", args=[case.reference])
    )
    body = page.content.decode()
    assert "weigerde de afsluiting" in body and "Eerst een netwerkoverleg." in body
    # asked again: a new request, the refused one stays in the history
    case_services.case_close(
        actor=world.director, case=case, criteria=YES, closing_summary="x", contact_card="y"
    )
    assert list(
        Approval.objects.filter(subject="closure").order_by("pk").values_list("status", flat=True)
    ) == ["refused", "pending"]


# --- Views ----------------------------------------------------------------------------------


def _approval_url(world: Any) -> str:
    return reverse("collaboration:plan_approval", args=[world.case.reference])


def test_the_decision_page_is_the_coordinators_only(
    world: Any, verified_client: Any, make_user: Any
) -> None:
    _plan(world)
    url = _approval_url(world)
    coordinator = verified_client(world.coordinator)
    assert coordinator.get(url).status_code == 404  # nothing waits yet
    _present(world)
    page = coordinator.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Plan van aanpak goedkeuren of weigeren" in body and "Huisbezoek" in body
    for who in (world.director, world.caw_partner, _other_region_coordinator(make_user, world)):
        client = verified_client(who)
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "approve"}).status_code == 404
    assert Approval.objects.get().status == "pending"


def test_refusing_without_reason_shows_the_error_then_the_director_reads_the_reason(
    world: Any, verified_client: Any
) -> None:
    _plan(world)
    _present(world)
    coordinator = verified_client(world.coordinator)
    response = coordinator.post(_approval_url(world), {"decision": "refuse", "comment": ""})
    assert response.status_code == 200
    assert "Schrijf waarom u weigert" in response.content.decode()
    assert Approval.objects.get().status == "pending"
    response = coordinator.post(_approval_url(world), {"decision": "refuse", "comment": REFUSAL})
    assert response.status_code == 302
    assert response["Location"].endswith("#goedkeuring")
    page = verified_client(world.director).get(
        reverse("collaboration:case_detail", args=[world.case.reference])
    )
    body = page.content.decode()
    assert "geweigerd door coördinator Cora Coördinator" in body and REFUSAL in body
    assert "Plan van aanpak goedkeuren of weigeren" not in body  # nothing for the director


def test_the_case_page_shows_waiting_and_approved_and_the_link_only_to_a_decider(
    world: Any, verified_client: Any
) -> None:
    _plan(world)
    _present(world)
    case_url = reverse("collaboration:case_detail", args=[world.case.reference])
    director_page = verified_client(world.director).get(case_url).content.decode()
    assert "wacht sinds" in director_page
    assert _approval_url(world) not in director_page
    coordinator = verified_client(world.coordinator)
    assert _approval_url(world) in coordinator.get(case_url).content.decode()
    coordinator.post(_approval_url(world), {"decision": "approve", "comment": COMMENT})
    partner_page = verified_client(world.caw_partner).get(case_url).content.decode()
    assert "goedgekeurd door coördinator Cora Coördinator" in partner_page
    assert COMMENT in partner_page


def test_the_coordinators_dashboard_lists_what_waits_for_them(
    world: Any, verified_client: Any
) -> None:
    _plan(world)
    _present(world)
    home = reverse("collaboration:home")
    body = verified_client(world.coordinator).get(home).content.decode()
    assert "Goedkeuringen die op u wachten (1)" in body and _approval_url(world) in body
    assert "Goedkeuringen die op u wachten" not in (
        verified_client(world.director).get(home).content.decode()
    )


def _cases_waiting_for_approval(world: Any, n: int) -> None:
    for _ in range(n):
        case = referral_accept(
            actor=world.coordinator,
            referral=referral_submit(actor=world.referrer, **referral_data(world.clb)),
            case_director=world.director,
        )
        CaseParticipant.objects.create(
            case=case, user=world.caw_partner, organisation=world.caw, role_in_case="CAW"
        )
        _plan(world, case)
        _present(world, case)


def test_dashboard_queries_do_not_grow_with_waiting_approvals(
    world: Any, verified_client: Any, django_assert_num_queries: Any
) -> None:
    client = verified_client(world.coordinator)
    url = reverse("collaboration:home")
    _cases_waiting_for_approval(world, 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _cases_waiting_for_approval(world, 4)
    with django_assert_num_queries(len(small.captured_queries)):
        body = client.get(url).content.decode()
    assert "Goedkeuringen die op u wachten (5)" in body


def test_case_page_queries_do_not_grow_with_the_approval_history(
    world: Any, verified_client: Any, django_assert_num_queries: Any
) -> None:
    client = verified_client(world.caw_partner)
    url = reverse("collaboration:case_detail", args=[world.case.reference])
    _plan(world)

    def refuse_once() -> None:
        _present(world)
        plan_approval_decide(
            actor=world.coordinator, case=world.case, decision="refuse", comment=REFUSAL
        )

    refuse_once()
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(4):
        refuse_once()
    with django_assert_num_queries(len(small.captured_queries)):
        body = client.get(url).content.decode()
    assert "5 vragen om goedkeuring" in body


# --- The migration: closure requests of before get their approval ----------------------------


def test_the_migration_gives_earlier_closure_requests_their_approval(world: Any) -> None:
    import importlib

    from django.apps import apps

    Case.objects.filter(pk=world.case.pk).update(phase=Phase.COMPLETION)
    ClosureRequest.objects.create(
        case=world.case,
        status="refused",
        criteria={"criterion_no_new_violence": "no"},
        reasons={"criterion_no_new_violence": "Incident"},
        closing_summary="x",
        contact_card="y",
        requested_by=world.director,
        decided_by=world.coordinator,
        decided_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
        decision_note="Eerst overleg.",
    )
    migration = importlib.import_module("collaboration.migrations.0019_sign_off")
    migration.closures_become_approvals(apps, None)
    approval = Approval.objects.get()
    assert (approval.subject, approval.status, approval.comment, approval.decided_by) == (
        "closure",
        "refused",
        "Eerst overleg.",
        world.coordinator,
    )
    assert ClosureRequest.objects.get().decision_note == ""  # stored once, on the approval


# --- Referrals nobody decides -----------------------------------------------------------------


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A Brussels wall-clock moment (November: UTC+1)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def _referral_at(world: Any, moment: datetime.datetime) -> Referral:
    with time_machine.travel(moment, tick=False):
        return referral_submit(actor=world.referrer, **referral_data(world.clb))


def _overdue_for(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(user=user, kind="referral_overdue").values_list(
            "link", flat=True
        )
    )


def test_an_undecided_referral_escalates_once_after_five_working_days_in_brussels(
    world: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    other_region = _other_region_coordinator(make_user, world)
    # Thursday 26 November 23:30 in Brussels (22:30 UTC): it came in on Thursday
    thursday = _referral_at(world, _at(2026, 11, 26, 23, 30))
    # Friday 27 November 00:30 in Brussels (Thursday 23:30 UTC): it came in on Friday
    friday = _referral_at(world, _at(2026, 11, 27, 0, 30))
    # Saturday: the weekend does not count; five working days from it end on Friday too
    saturday = _referral_at(world, _at(2026, 11, 28, 12))
    decided = _referral_at(world, _at(2026, 11, 26, 9))
    referral_decline(actor=world.coordinator, referral=decided, reason="Past niet.")
    mail.outbox.clear()

    # Wednesday 2 December 23:30 Brussels: four working days for the Thursday one
    assert referrals_escalate(now=_at(2026, 12, 2, 23, 30)) == []
    # Thursday 3 December 00:30 Brussels (still Wednesday in UTC): the fifth working day
    with django_capture_on_commit_callbacks(execute=True):
        escalated = referrals_escalate(now=_at(2026, 12, 3, 0, 30))
    assert [r.pk for r in escalated] == [thursday.pk]
    assert _overdue_for(world.coordinator) == [
        reverse("collaboration:referral_detail", args=[thursday.pk])
    ]
    assert _overdue_for(other_region) == []  # another region's coordinators are not told
    assert [m.to for m in mail.outbox] == [[world.coordinator.email]]
    event = AuditEvent.objects.get(action=AuditAction.REFERRAL_ESCALATED)
    assert (event.object_type, event.object_id) == ("referral", str(thursday.pk))
    assert event.extra == {"referral_id": thursday.pk, "working_days": 5, "notified": 1}
    # Thursday 23:30: the Friday and Saturday ones still have a day
    assert referrals_escalate(now=_at(2026, 12, 3, 23, 30)) == []
    # Friday 4 December 00:30: both (Saturday counts from Monday: Mon..Fri)
    assert {r.pk for r in referrals_escalate(now=_at(2026, 12, 4, 0, 30))} == {
        friday.pk,
        saturday.pk,
    }
    # once only, and never the decided one
    assert referrals_escalate(now=_at(2026, 12, 9, 10)) == []
    assert len(_overdue_for(world.coordinator)) == 3
    assert Referral.objects.get(pk=decided.pk).escalated_at is None


def test_the_number_of_working_days_is_a_setting(world: Any, settings: Any) -> None:
    settings.REFERRAL_DECISION_WORKING_DAYS = 2
    friday = _referral_at(world, _at(2026, 11, 27, 16))
    assert referrals_escalate(now=_at(2026, 11, 30, 23, 59)) == []  # Monday: one
    assert [r.pk for r in referrals_escalate(now=_at(2026, 12, 1, 0, 0))] == [friday.pk]


def test_a_referral_accepted_in_time_does_not_escalate(world: Any) -> None:
    referral = _referral_at(world, _at(2026, 11, 26, 9))
    with time_machine.travel(_at(2026, 12, 2, 9), tick=False):
        referral_accept(actor=world.coordinator, referral=referral, case_director=world.director)
    assert referrals_escalate(now=_at(2026, 12, 10, 9)) == []
    assert _overdue_for(world.coordinator) == []


def test_the_dashboard_marks_overdue_referrals(world: Any, verified_client: Any) -> None:
    from django.utils import timezone

    old = _referral_at(world, timezone.now() - datetime.timedelta(days=10))
    fresh = referral_submit(actor=world.referrer, **referral_data(world.clb))
    body = verified_client(world.coordinator).get(reverse("collaboration:home")).content.decode()
    assert "1 aanmelding wacht te lang op een beslissing" in body
    old_item = body[body.index(f"#{old.pk}</a>") :]
    assert "Over tijd: nog niet beslist" in old_item.split("</li>")[0]
    fresh_item = body[body.index(f"#{fresh.pk}</a>") :]
    assert "Over tijd" not in fresh_item.split("</li>")[0]


def test_escalation_is_a_registered_periodic_task(settings: Any) -> None:
    from collaboration import tasks

    assert "collaboration.tasks.escalate_undecided_referrals" in settings.PERIODIC_TASKS
    assert settings.REFERRAL_DECISION_WORKING_DAYS == 5
    assert tasks.escalate_undecided_referrals.func() == {"escalated": 0}
