"""NEN 7513 fields of every event: one classification per action code, the access rule, the
emergency flag, a sharing act's legal basis, and the source system and site."""

from __future__ import annotations

import pytest

from portal.audit.classification import (
    ACTION_CLASSES,
    FIXED_RULES,
    AccessRule,
    LegalBasis,
    Lifecycle,
    Sensitivity,
    action_class,
)
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from portal.audit.verify import verify_chain
from portal.audit.writer import FORMAT_VERSION, record_event


def test_every_action_code_has_a_class() -> None:
    """Fails on a code added to AuditAction without its life-cycle step and sensitivity."""
    missing = [action.name for action in AuditAction if action not in ACTION_CLASSES]
    assert missing == []
    assert set(FIXED_RULES) <= set(AuditAction)
    assert all(rule != AccessRule.NONE for rule in FIXED_RULES.values())


def test_an_unlisted_code_still_gets_a_cautious_class() -> None:
    assert action_class(299).lifecycle == Lifecycle.READ
    assert action_class(999).sensitivity == Sensitivity.VERY_RESTRICTED


@pytest.mark.django_db
def test_every_action_records_its_life_cycle_step(make_user) -> None:
    user = make_user()
    for action in AuditAction:
        event = record_event(action=action, actor=user)
        stored = AuditEvent.objects.get(pk=event.pk)
        assert stored.lifecycle == ACTION_CLASSES[action].lifecycle, action.name
        assert stored.lifecycle in Lifecycle.values
        assert stored.sensitivity in Sensitivity.values
        assert stored.format_version == FORMAT_VERSION
    assert verify_chain().ok


@pytest.mark.django_db
def test_the_lifecycle_steps_of_typical_acts() -> None:
    assert action_class(AuditAction.CASE_VIEWED).lifecycle == Lifecycle.READ
    assert action_class(AuditAction.REFERRAL_SUBMITTED).lifecycle == Lifecycle.CREATE
    assert action_class(AuditAction.CASE_CHANGED).lifecycle == Lifecycle.UPDATE
    assert action_class(AuditAction.DOCUMENT_DOWNLOADED).lifecycle == Lifecycle.EXPORT
    assert action_class(AuditAction.CASE_ANONYMISED).lifecycle == Lifecycle.DELETE


@pytest.mark.django_db
def test_source_system_and_site_come_from_the_settings(make_user, settings) -> None:
    settings.AUDIT_SOURCE_SYSTEM = "vh-portaal-test"
    settings.AUDIT_SITE = "site-gent"
    event = record_event(action=AuditAction.CASE_LIST_VIEWED, actor=make_user())
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.source_system, stored.site) == ("vh-portaal-test", "site-gent")


@pytest.mark.django_db
def test_access_rule_explicit_fixed_from_role_or_none_when_denied(make_user) -> None:
    user = make_user()
    explicit = record_event(action=AuditAction.CASE_VIEWED, actor=user, access_rule="participant")
    fixed = record_event(action=AuditAction.PASSWORD_CHANGED, actor=user)
    from_role = record_event(action=AuditAction.CASE_CHANGED, actor=user, role="coordinator")
    membership_role = record_event(action=AuditAction.INVITATION_SENT, actor=user, role="partner")
    denied = record_event(
        action=AuditAction.CASE_VIEWED,
        actor=user,
        outcome=Outcome.DENIED,
        access_rule="coordinator",
    )
    stored = {e.pk: e for e in AuditEvent.objects.filter(actor=user)}
    assert stored[explicit.pk].access_rule == AccessRule.PARTICIPANT
    assert stored[fixed.pk].access_rule == AccessRule.SELF
    assert stored[from_role.pk].access_rule == AccessRule.COORDINATOR
    assert stored[membership_role.pk].access_rule == AccessRule.ORGANISATION_ADMIN
    assert stored[denied.pk].access_rule == AccessRule.NONE


@pytest.mark.django_db
def test_break_the_glass_is_flagged_as_an_emergency(make_user) -> None:
    user = make_user()
    grant = record_event(action=AuditAction.BREAK_THE_GLASS, actor=user, role="privacy_officer")
    under_it = record_event(
        action=AuditAction.CASE_VIEWED, actor=user, access_rule="break_the_glass"
    )
    normal = record_event(action=AuditAction.CASE_VIEWED, actor=user, access_rule="case_director")
    stored = {e.pk: e for e in AuditEvent.objects.filter(actor=user)}
    assert stored[grant.pk].emergency and stored[under_it.pk].emergency
    assert not stored[normal.pk].emergency
    assert stored[under_it.pk].sensitivity == Sensitivity.VERY_RESTRICTED
    assert stored[normal.pk].sensitivity == Sensitivity.RESTRICTED


@pytest.mark.django_db
def test_a_sharing_act_carries_its_legal_basis_and_other_acts_none(make_user) -> None:
    user = make_user()
    shared = record_event(action=AuditAction.REFERRAL_SUBMITTED, actor=user)
    refused = record_event(
        action=AuditAction.REFERRAL_SUBMITTED, actor=user, outcome=Outcome.DENIED
    )
    given = record_event(action=AuditAction.EXPORTED, actor=user, legal_basis="court_order")
    read = record_event(action=AuditAction.CASE_VIEWED, actor=user, access_rule="participant")
    stored = {e.pk: e for e in AuditEvent.objects.filter(actor=user)}
    assert stored[shared.pk].legal_basis == LegalBasis.CHAIN_PUBLIC_TASK
    assert stored[refused.pk].legal_basis == ""
    assert stored[given.pk].legal_basis == "court_order"
    assert stored[read.pk].legal_basis == ""
