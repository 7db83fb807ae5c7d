"""``verify_final_records`` (issue 18 item 5): every finalised minutes, decided referral and
issued certificate still has the hash the audit trail recorded when it became final.

On PostgreSQL the records are changed with their trigger dropped (as the superuser the tests
run as), as whoever bypassed the protection would; on SQLite there is no trigger to drop. A
revoked, an erased and an anonymised record still verify: those changes are legitimate and
write their own hash."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from collaboration.live_notes.models import Minutes
from collaboration.models import Referral, ReferralStatus
from collaboration.selectors.final_records import DECISION_HASH_KEY, referral_decision_sha256
from collaboration.services.minutes import meeting_finalise
from collaboration.services.retention import (
    RetentionReport,
    allow_final_record_changes,
    anonymise_case,
    anonymise_referrals,
)
from content.training.final_records import CERTIFICATE_HASH_KEY, certificate_sha256
from content.training.models import Certificate
from content.training.services.certificates import certificate_revoke
from content.training.services.rights import learner_erase
from portal.accounts.rights_registry import CertificateChoice
from portal.audit.events import AuditAction
from portal.audit.final_records import FinalRecordProblem, canonical_sha256, verify_final_records
from portal.audit.models import AuditEvent
from tests.final_records_world import (
    Decided,
    decided_referrals,
    issued_certificate,
    trigger_dropped,
)

pytestmark = pytest.mark.django_db

CHANGED = "its stored fields do not match the hash in its audit record"


@pytest.fixture
def decided() -> Decided:
    return decided_referrals()


@pytest.fixture
def certificate(make_course: Any, make_user: Any) -> Certificate:
    return issued_certificate(make_course, make_user(full_name="Fien Fictief"))


def _problems(kind: str) -> list[FinalRecordProblem]:
    return [p for p in verify_final_records() if p.kind == kind]


def test_decisions_and_the_issue_write_their_hash_into_their_audit_record(
    decided: Decided, certificate: Certificate
) -> None:
    for referral, action in (
        (decided.accepted, AuditAction.REFERRAL_ACCEPTED),
        (decided.declined, AuditAction.REFERRAL_DECLINED),
    ):
        event = AuditEvent.objects.get(action=action, object_id=str(referral.pk))
        assert event.extra[DECISION_HASH_KEY] == referral_decision_sha256(referral)
    issue = AuditEvent.objects.get(
        action=AuditAction.CERTIFICATE_ISSUED, object_id=str(certificate.pk)
    )
    assert issue.object_type == "certificate"
    assert issue.extra == {CERTIFICATE_HASH_KEY: certificate_sha256(certificate)}


def test_unchanged_records_verify(decided: Decided, certificate: Certificate) -> None:
    assert verify_final_records() == []


def test_the_canonical_hash_does_not_depend_on_how_a_value_was_read() -> None:
    import datetime as dt
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    moment = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    in_brussels = moment.astimezone(ZoneInfo("Europe/Brussels"))
    assert canonical_sha256({"at": moment, "hours": Decimal("2.50")}) == canonical_sha256(
        {"hours": Decimal("2.5"), "at": in_brussels}
    )
    assert canonical_sha256({"at": moment}) != canonical_sha256(
        {"at": moment + dt.timedelta(microseconds=1)}
    )


@pytest.mark.parametrize("which", ["accepted", "declined"])
def test_a_decision_changed_past_the_trigger_is_named(decided: Decided, which: str) -> None:
    referral = getattr(decided, which)
    with trigger_dropped("collaboration_referral"):
        Referral.objects.filter(pk=referral.pk).update(decline_advice="Iets anders (fictief)")
    assert _problems("referral") == [FinalRecordProblem("referral", str(referral.pk), CHANGED)]


def test_a_certificate_changed_past_the_trigger_is_named(certificate: Certificate) -> None:
    with trigger_dropped("training_certificate"):
        Certificate.objects.filter(pk=certificate.pk).update(course_title="Andere cursus")
    assert _problems("certificate") == [
        FinalRecordProblem("certificate", str(certificate.pk), CHANGED)
    ]


def test_a_decided_referral_without_its_audit_record_is_named(decided: Decided) -> None:
    """Decided around the service: no record of the decision holds its hash."""
    undecided = Referral.objects.create(
        region=decided.declined.region,
        referrer=decided.world.referrer,
        referring_organisation=decided.world.clb,
        family_composition="Fictief gezin.",
    )
    Referral.objects.filter(pk=undecided.pk).update(
        status=ReferralStatus.DECLINED, decline_reason="Fictief."
    )
    assert _problems("referral") == [
        FinalRecordProblem("referral", str(undecided.pk), "no audit record holds its hash")
    ]


def test_changed_minutes_are_named() -> None:
    """The minutes' own check (``minutes_integrity``), reached through the same function."""
    from tests.live_notes.world import build_world

    world = build_world()
    meeting_finalise(actor=world.director, meeting_id=world.meeting.pk, actions=[])
    assert _problems("minutes") == []
    with transaction.atomic():
        allow_final_record_changes()
        Minutes.objects.update(html="<p>Iets anders (fictief)</p>")
    [problem] = _problems("minutes")
    assert (problem.kind, problem.object_id) == ("minutes", str(world.meeting.pk))


def test_a_revoked_certificate_still_verifies(certificate: Certificate) -> None:
    certificate_revoke(certificate=certificate, reason="Fout uitgereikt (fictief)")
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert _problems("certificate") == []


@pytest.mark.parametrize("choice", [CertificateChoice.KEEP, CertificateChoice.REVOKE])
def test_an_erased_certificate_still_verifies(certificate: Certificate, choice: Any) -> None:
    with transaction.atomic():
        learner_erase(user=certificate.user, certificates=choice)
    certificate.refresh_from_db()
    assert certificate.user_id is None and certificate.learner_name != "Fien Fictief"
    assert _problems("certificate") == []
    # and a change after that is still named
    with trigger_dropped("training_certificate"):
        Certificate.objects.filter(pk=certificate.pk).update(learner_name="Fien Fictief")
    assert [p.object_id for p in _problems("certificate")] == [str(certificate.pk)]


def test_anonymised_referrals_still_verify(decided: Decided) -> None:
    """The retention run scrubs the decisions' reason and advice and records the new hash."""
    with transaction.atomic():
        anonymise_case(decided.world.case, dry_run=False, report=RetentionReport())
    with transaction.atomic():
        anonymise_referrals([decided.declined.pk], dry_run=False, report=RetentionReport())
    decided.declined.refresh_from_db()
    assert decided.declined.decline_reason == "[geanonimiseerd]"
    assert verify_final_records() == []
    anonymised = AuditEvent.objects.filter(action=AuditAction.FINAL_RECORD_ANONYMISED)
    assert sorted(anonymised.values_list("object_id", flat=True)) == sorted(
        [str(decided.accepted.pk), str(decided.declined.pk)]
    )


@pytest.mark.postgresql
def test_the_triggers_are_back_after_a_test_dropped_them(decided: Decided) -> None:
    from tests.final_records_world import has_trigger

    with trigger_dropped("collaboration_referral"):
        assert not has_trigger("collaboration_referral")
    assert has_trigger("collaboration_referral") and has_trigger("training_certificate")
    assert connection.vendor == "postgresql"


def test_records_from_before_the_hashes_are_baselined_once_then_watched(
    decided: Decided, certificate: Certificate
) -> None:
    """After the upgrade, ``audit_baseline_final_records`` hashes what the trail lacks (and
    nothing else, and only once); a later change is then named like any other."""
    from django.core.management import call_command

    old = Referral.objects.create(
        region=decided.declined.region,
        referrer=decided.world.referrer,
        referring_organisation=decided.world.clb,
        family_composition="Fictief gezin.",
    )
    Referral.objects.filter(pk=old.pk).update(
        status=ReferralStatus.DECLINED, decline_reason="Fictief."
    )
    before = set(p.object_id for p in verify_final_records())
    assert str(old.pk) in before
    call_command("audit_baseline_final_records", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert verify_final_records() == []
    baselined = AuditEvent.objects.filter(action=AuditAction.FINAL_RECORD_BASELINED)
    assert set(baselined.values_list("object_id", flat=True)) == before
    call_command("audit_baseline_final_records", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert baselined.count() == len(before)  # once
    with trigger_dropped("collaboration_referral"):
        Referral.objects.filter(pk=old.pk).update(decline_reason="Iets anders (fictief).")
    assert _problems("referral") == [
        FinalRecordProblem(
            "referral",
            str(old.pk),
            "its stored fields do not match the hash in its audit record",
        )
    ]


def test_the_check_and_the_baseline_query_once_per_kind_not_once_per_record(
    decided: Decided,
) -> None:
    """Run at every start (the baseline) and every hour (the check): a constant number of
    queries however many decided referrals there are."""
    from django.test.utils import CaptureQueriesContext

    from collaboration.selectors.final_records import referral_problems
    from collaboration.services.final_records import referral_baseline

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            list(referral_problems())
            referral_baseline()
        return len(captured.captured_queries)

    before = queries()
    for _ in range(3):
        extra = Referral.objects.create(
            region=decided.declined.region,
            referrer=decided.world.referrer,
            referring_organisation=decided.world.clb,
            family_composition="Fictief gezin.",
        )
        Referral.objects.filter(pk=extra.pk).update(
            status=ReferralStatus.DECLINED, decline_reason="Fictief."
        )
    referral_baseline()  # the three new ones get their baseline (one record each)
    assert queries() == before
