"""A decided referral's decision cannot change (issue 18 item 5): on PostgreSQL a trigger
refuses a queryset update, plain SQL and a deletion outside the retention run; the rest of the
row, and an undecided referral, still change. Fails without migration 0021."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from collaboration.models import Referral, ReferralStatus
from collaboration.selectors.final_records import REFERRAL_DECISION_FIELDS
from collaboration.services.retention import RetentionReport, anonymise_referrals
from tests.final_records_world import Decided, decided_referrals

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

REFUSED = "a decided referral cannot change or be removed"


@pytest.fixture
def decided() -> Decided:
    return decided_referrals()


def _new_value(decided: Decided, name: str) -> Any:
    return {
        "status": ReferralStatus.SUBMITTED,
        "decided_by_id": decided.world.director.pk,
        "decided_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        "decline_reason": "Een andere reden (fictief)",
        "decline_advice": "Een ander advies (fictief)",
    }[name]


def _decision(referral: Referral) -> tuple[Any, ...]:
    referral.refresh_from_db()
    return tuple(getattr(referral, name) for name in REFERRAL_DECISION_FIELDS)


@pytest.mark.parametrize("which", ["accepted", "declined"])
@pytest.mark.parametrize("name", REFERRAL_DECISION_FIELDS)
def test_a_queryset_update_of_the_decision_is_refused(
    decided: Decided, which: str, name: str
) -> None:
    referral = getattr(decided, which)
    before = _decision(referral)
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(**{name: _new_value(decided, name)})
    assert _decision(referral) == before


def test_plain_sql_is_refused(decided: Decided) -> None:
    before = _decision(decided.declined)
    refused = pytest.raises(DatabaseError, match=REFUSED)
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE collaboration_referral SET status = 'accepted', decline_reason = '' "
            "WHERE id = %s",
            [decided.declined.pk],
        )
    assert _decision(decided.declined) == before


@pytest.mark.parametrize("which", ["accepted", "declined"])
def test_a_decided_referral_cannot_be_deleted(decided: Decided, which: str) -> None:
    referral = getattr(decided, which)
    refused = pytest.raises(DatabaseError, match=REFUSED)
    # plain SQL: past the PROTECT of the case
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM collaboration_referral WHERE id = %s", [referral.pk])
    assert Referral.objects.filter(pk=referral.pk).exists()


def test_the_rest_of_a_decided_referral_and_an_undecided_one_still_change(
    decided: Decided,
) -> None:
    Referral.objects.filter(pk=decided.declined.pk).update(escalated_at=dt.datetime.now(dt.UTC))
    undecided = Referral.objects.create(
        region=decided.declined.region,
        referrer=decided.world.referrer,
        referring_organisation=decided.world.clb,
        family_composition="Fictief gezin.",
    )
    Referral.objects.filter(pk=undecided.pk).update(decline_advice="Nog niet beslist (fictief)")
    undecided.delete()


def test_the_retention_run_still_scrubs_a_decision(decided: Decided) -> None:
    with transaction.atomic():
        anonymise_referrals([decided.declined.pk], dry_run=False, report=RetentionReport())
    decided.declined.refresh_from_db()
    assert decided.declined.decline_reason == "[geanonimiseerd]"
