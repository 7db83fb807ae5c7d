"""Referral -> case -> plan -> execution -> closure -> reopening, through the services, with the
guards and their rejections; e-mails carry no case content; every change is audited."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import (
    Case,
    Phase,
    PhaseTransition,
    Referral,
    ReferralStatus,
    TimelineEntry,
)
from collaboration.services import cases as case_services
from collaboration.services import closure, plans, timeline
from collaboration.services.referrals import referral_accept, referral_decline, referral_submit
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from tests.factories.cases import approve_current_plan, referral_data
from tests.factories.legal_bases import standing_basis

pytestmark = pytest.mark.django_db

CRITERIA_YES = {
    "criterion_no_new_violence": "yes",
    "criterion_progress": "yes",
    "criterion_help_running": "yes",
    "criterion_everyone_knows": "yes",
    "criterion_clients_know_whom": "yes",
}


def test_accept_creates_case_with_reference_director_and_referrer(world) -> None:
    case = world.case
    assert re.fullmatch(r"VH-OVL-\d{4}-0001", case.reference)
    assert case.phase == Phase.EXPLORATION
    assert case.case_director == world.director
    assert case.participants.filter(user=world.referrer, organisation=world.clb).exists()
    assert case.referral.status == ReferralStatus.ACCEPTED
    second = referral_accept(
        actor=world.coordinator,
        referral=referral_submit(actor=world.referrer, **referral_data(world.clb)),
        case_director=world.director,
    )
    assert second.reference.endswith("-0002")


def test_referral_mails_carry_no_case_content(world, django_capture_on_commit_callbacks) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_submit(actor=world.referrer, **referral_data(world.clb))
        referral_decline(
            actor=world.coordinator, referral=referral, reason="Niet complex genoeg.", advice="CAW"
        )
    assert {m.to[0] for m in mail.outbox} == {"coord@test.example", "clb@test.example"}
    for message in mail.outbox:
        text = message.subject + message.body
        for secret in ("Moeder", "politietussenkomsten", "complex", "CAW", "Wonen"):
            assert secret not in text


def test_decline_needs_reason_and_only_once(world) -> None:
    referral = referral_submit(actor=world.referrer, **referral_data(world.clb))
    with pytest.raises(ValidationError):
        referral_decline(actor=world.coordinator, referral=referral, reason="  ")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    referral_decline(actor=world.coordinator, referral=referral, reason="Past niet.")
    with pytest.raises(ValidationError):
        referral_accept(actor=world.coordinator, referral=referral, case_director=world.director)
    assert Case.objects.count() == 1


def test_only_regional_coordinator_decides_and_director_must_qualify(world) -> None:
    referral = referral_submit(actor=world.referrer, **referral_data(world.clb))
    for actor in (world.director, world.caw_partner, world.outsider_member, world.privacy):
        with pytest.raises(NotFoundOrNotAllowed):
            referral_accept(actor=actor, referral=referral, case_director=world.director)
    with pytest.raises(ValidationError):
        referral_accept(actor=world.coordinator, referral=referral, case_director=world.caw_partner)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SUBMITTED


def test_referral_rejects_bad_input_and_foreign_organisation(world) -> None:
    data = referral_data(world.clb)
    with pytest.raises(ValidationError):
        referral_submit(actor=world.referrer, **{**data, "violence_forms": []})
    with pytest.raises(ValidationError):
        referral_submit(actor=world.referrer, **{**data, "life_domains": ["atlantis"]})
    with pytest.raises(ValidationError):
        referral_submit(actor=world.referrer, **{**data, "criterion_stuck_help": ""})
    with pytest.raises(NotFoundOrNotAllowed):
        referral_submit(actor=world.referrer, **{**data, "organisation": world.caw})
    assert Referral.objects.count() == 1  # only the world's own


def _plan_with_action(world, case):
    goal = plans.goal_add(
        actor=world.director, case=case, domain="safety", description="Veiligheid"
    )
    return plans.action_add(
        actor=world.director,
        case=case,
        goal_id=goal.pk,
        description="Crisisbegeleiding 28 dagen",
        organisation_id=world.caw.pk,
        responsible=world.caw_partner,
        due_date=datetime.date.today() + datetime.timedelta(days=28),
    )


def test_execution_needs_presented_plan(world) -> None:
    case = world.case
    with pytest.raises(ValidationError):
        case_services.case_phase_change(actor=world.director, case=case, to_phase=Phase.EXECUTION)
    with pytest.raises(ValidationError):  # no actions yet
        plans.plan_mark_presented(
            actor=world.director, case=case, presented_on=datetime.date.today()
        )
    _plan_with_action(world, case)
    with pytest.raises(ValidationError):  # not presented yet
        case_services.case_phase_change(actor=world.director, case=case, to_phase=Phase.EXECUTION)
    with pytest.raises(ValidationError):  # in the future
        plans.plan_mark_presented(
            actor=world.director,
            case=case,
            presented_on=datetime.date.today() + datetime.timedelta(days=1),
        )
    plans.plan_mark_presented(actor=world.director, case=case, presented_on=datetime.date.today())
    with pytest.raises(ValidationError) as error:  # presented, not yet approved (four eyes)
        case_services.case_phase_change(actor=world.director, case=case, to_phase=Phase.EXECUTION)
    assert "goedkeurde" in " ".join(error.value.messages)
    approve_current_plan(coordinator=world.coordinator, case=case)
    with pytest.raises(NotFoundOrNotAllowed):  # partners do not direct
        case_services.case_phase_change(
            actor=world.caw_partner, case=case, to_phase=Phase.EXECUTION
        )
    case = case_services.case_phase_change(
        actor=world.director, case=case, to_phase=Phase.EXECUTION
    )
    assert case.phase == Phase.EXECUTION
    with pytest.raises(ValidationError):  # no skipping to closed
        case_services.case_phase_change(actor=world.director, case=case, to_phase=Phase.CLOSED)


def _to_completion(world):
    case = world.case
    action = _plan_with_action(world, case)
    plans.plan_mark_presented(actor=world.director, case=case, presented_on=datetime.date.today())
    approve_current_plan(coordinator=world.coordinator, case=case)
    case_services.case_phase_change(actor=world.director, case=case, to_phase=Phase.EXECUTION)
    # the completion guard: every action finished and the plan evaluated
    plans.action_status_set(actor=world.caw_partner, case=case, action_id=action.pk, status="done")
    plans.plan_evaluate(
        actor=world.director,
        case=case,
        evaluation="Doel bereikt.",
        evaluated_on=datetime.date.today(),
    )
    return case_services.case_phase_change(
        actor=world.coordinator, case=case, to_phase=Phase.COMPLETION
    )


def test_closure_needs_all_criteria_summary_and_card_then_read_only(world) -> None:
    case = _to_completion(world)
    incomplete = {**CRITERIA_YES, "criterion_progress": ""}
    with pytest.raises(ValidationError) as error:
        case_services.case_close(
            actor=world.director,
            case=case,
            criteria=incomplete,
            closing_summary="Samenvatting",
            contact_card="SDJ voor de kinderen",
        )
    assert "criterion_progress" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        case_services.case_close(
            actor=world.director,
            case=case,
            criteria=CRITERIA_YES,
            closing_summary="",
            contact_card="",
        )
    assert {"closing_summary", "contact_card"} <= set(error.value.message_dict)
    assert Case.objects.get(pk=case.pk).phase == Phase.COMPLETION
    case = case_services.case_close(
        actor=world.director,
        case=case,
        criteria=CRITERIA_YES,
        closing_summary="Partnergeweld niet meer op de voorgrond.",
        contact_card="SDJ volgt de kinderen op.",
    )
    # every closure waits for a coordinator who is not the case director (four eyes)
    assert case.phase == Phase.COMPLETION and case.closed_at is None
    closure.closure_decide(actor=world.coordinator, case=case, decision="confirm")
    case.refresh_from_db()
    assert case.phase == Phase.CLOSED and case.closed_at is not None
    # closed is read-only
    with pytest.raises(ValidationError):
        timeline.timeline_entry_add(
            actor=world.caw_partner,
            case=case,
            legal_basis_id=standing_basis(case),
            kind="note",
            occurred_on=datetime.date.today(),
            title="Na afsluiting",
        )
    with pytest.raises(ValidationError):
        case_services.case_phase_change(actor=world.director, case=case, to_phase=Phase.EXECUTION)


def test_reopen_after_new_incident(world) -> None:
    case = _to_completion(world)
    case = case_services.case_close(
        actor=world.director,
        case=case,
        criteria=CRITERIA_YES,
        closing_summary="Afgerond.",
        contact_card="CAW onthaal.",
    )
    closure.closure_decide(actor=world.coordinator, case=case, decision="confirm")
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        case_services.case_reopen(
            actor=world.director, case=case, to_phase="execution", incident=""
        )
    with pytest.raises(ValidationError):
        case_services.case_reopen(actor=world.director, case=case, to_phase="closed", incident="x")
    with pytest.raises(NotFoundOrNotAllowed):
        case_services.case_reopen(
            actor=world.police_partner, case=case, to_phase="execution", incident="Nieuw pv"
        )
    case = case_services.case_reopen(
        actor=world.director, case=case, to_phase="execution", incident="Nieuwe politietussenkomst"
    )
    assert case.phase == Phase.EXECUTION and case.reopen_count == 1 and case.closed_at is None
    assert list(PhaseTransition.objects.filter(case=case).values_list("to_phase", flat=True)) == [
        "execution",
        "completion",
        "closed",
        "execution",
    ]
    assert TimelineEntry.objects.filter(case=case, kind="phase").count() == 4
    actions = set(
        AuditEvent.objects.filter(case_reference=case.reference).values_list("action", flat=True)
    )
    assert {
        AuditAction.REFERRAL_ACCEPTED,
        AuditAction.CASE_PHASE_CHANGED,
        AuditAction.CASE_CLOSED,
        AuditAction.CASE_REOPENED,
        AuditAction.CASE_CHANGED,
    } <= actions
    assert AuditEvent.objects.filter(
        case_reference=case.reference, outcome=Outcome.DENIED, actor=world.police_partner
    ).exists()


def test_action_status_rules(world) -> None:
    action = _plan_with_action(world, world.case)
    with pytest.raises(ValidationError):  # not possible needs a reason
        plans.action_status_set(
            actor=world.caw_partner, case=world.case, action_id=action.pk, status="not_possible"
        )
    with pytest.raises(NotFoundOrNotAllowed):  # police do not own this action
        plans.action_status_set(
            actor=world.police_partner, case=world.case, action_id=action.pk, status="done"
        )
    plans.action_status_set(
        actor=world.caw_partner,
        case=world.case,
        action_id=action.pk,
        status="not_possible",
        reason="Gezin weigert",
    )
    action.refresh_from_db()
    assert action.status == "not_possible"
    with pytest.raises(ValidationError):  # an organisation outside the case cannot own an action
        plans.action_add(
            actor=world.director,
            case=world.case,
            goal_id=action.goal_id,
            description="x",
            organisation_id=world.other_caw.pk,
            responsible=None,
            due_date=None,
        )


def test_plan_versions_carry_open_actions(world) -> None:
    action = _plan_with_action(world, world.case)
    plans.plan_mark_presented(
        actor=world.director, case=world.case, presented_on=datetime.date.today()
    )
    plan2 = plans.plan_new_version(actor=world.director, case=world.case)
    assert plan2.version == 2 and plan2.presented_in_team_on is None
    assert plan2.goals.get().actions.get().description == action.description
    with pytest.raises(ValidationError):  # a fresh version must be presented again
        case_services.case_phase_change(
            actor=world.director, case=world.case, to_phase=Phase.EXECUTION
        )


def test_database_refuses_closed_case_without_summary(world) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=world.case.pk).update(phase=Phase.CLOSED)
