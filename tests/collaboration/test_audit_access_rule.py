"""The access rule that ``collaboration.access`` decided reaches the audit row (NEN 7513):
director, participant, coordinator, break the glass (flagged as an emergency), and ``none``
for a refusal."""

from __future__ import annotations

import pytest

from collaboration.access import NotFoundOrNotAllowed
from collaboration.selectors.cases import case_access
from collaboration.services.cases import break_the_glass
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent


def _last_read(user) -> AuditEvent:
    return AuditEvent.objects.filter(actor=user, action=AuditAction.CASE_VIEWED).latest("id")


@pytest.mark.django_db
def test_each_case_read_records_the_rule_that_granted_it(world) -> None:
    reference = world.case.reference
    for who, rule in (
        ("director", "case_director"),
        ("caw_partner", "participant"),
        ("coordinator", "coordinator"),
    ):
        user = getattr(world, who)
        case_access(user=user, reference=reference, purpose="case_page")
        event = _last_read(user)
        assert (event.access_rule, event.emergency, event.lifecycle) == (rule, False, "read")
        assert event.sensitivity == "R"


@pytest.mark.django_db
def test_break_the_glass_and_what_follows_are_emergencies(world) -> None:
    reference = world.case.reference
    with pytest.raises(NotFoundOrNotAllowed):
        case_access(user=world.privacy, reference=reference)
    assert _last_read(world.privacy).access_rule == "none"
    break_the_glass(
        actor=world.privacy,
        reference=reference,
        justification="Acuut gevaar voor een kind; de casusregisseur is onbereikbaar.",
    )
    grant = AuditEvent.objects.get(actor=world.privacy, action=AuditAction.BREAK_THE_GLASS)
    assert grant.emergency and grant.access_rule == "privacy_officer"
    case_access(user=world.privacy, reference=reference)
    read = _last_read(world.privacy)
    assert (read.access_rule, read.emergency, read.sensitivity) == ("break_the_glass", True, "V")


@pytest.mark.django_db
def test_a_refused_read_records_no_rule(world) -> None:
    with pytest.raises(NotFoundOrNotAllowed):
        case_access(user=world.outsider_member, reference=world.case.reference)
    event = _last_read(world.outsider_member)
    assert event.outcome == "denied" and event.access_rule == "none" and not event.emergency


@pytest.mark.django_db
def test_the_referral_that_opened_the_case_carries_its_legal_basis(world) -> None:
    submitted = AuditEvent.objects.get(action=AuditAction.REFERRAL_SUBMITTED)
    accepted = AuditEvent.objects.get(action=AuditAction.REFERRAL_ACCEPTED)
    assert submitted.legal_basis == accepted.legal_basis == "public_task_chain"
    assert accepted.access_rule == "coordinator" and submitted.lifecycle == "create"
