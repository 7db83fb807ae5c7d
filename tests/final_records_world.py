"""Fictional final records for the tamper tests (issue 18 item 5): an accepted and a declined
referral, an issued certificate, and a way past a PostgreSQL trigger (dropped as the superuser
the tests run as, then restored from its migration)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from collaboration.models import Referral
from collaboration.services.referrals import referral_decline, referral_submit
from content.training.models import Certificate, Enrolment
from content.training.services.certificates import certificate_issue
from tests.factories.cases import referral_data
from tests.factories.worlds import World, build_case_world

TRIGGERS = {
    "collaboration_referral": (
        "collaboration_referral_decision_final",
        "collaboration.migrations.0021_referral_decision_trigger",
    ),
    "training_certificate": (
        "training_certificate_final",
        "content.training.migrations.0006_certificate_trigger",
    ),
}


@dataclass
class Decided:
    world: World
    accepted: Referral
    declined: Referral


def decided_referrals() -> Decided:
    world = build_case_world()
    submitted = referral_submit(actor=world.referrer, **referral_data(world.clb))
    declined = referral_decline(
        actor=world.coordinator,
        referral=submitted,
        reason="Past niet binnen de criteria (fictief).",
        advice="Neem contact op met het CAW (fictief).",
    )
    accepted = Referral.objects.get(pk=world.case.referral_id)
    return Decided(world=world, accepted=accepted, declined=declined)


def issued_certificate(make_course: Any, learner: Any) -> Certificate:
    course = make_course(lessons=0, quiz=False, training_hours=Decimal("2.5"))
    enrolment = Enrolment.objects.create(user=learner, course=course, completed_at=timezone.now())
    return certificate_issue(enrolment=enrolment)


@contextmanager
def trigger_dropped(table: str) -> Iterator[None]:
    """Inside: the table's trigger is gone (PostgreSQL; elsewhere there is none). After: it
    is back, from the migration's own SQL."""
    trigger, migration = TRIGGERS[table]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {trigger} ON {table}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(importlib.import_module(migration).CREATE)


def has_trigger(table: str) -> bool:
    trigger, _migration = TRIGGERS[table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname = %s AND NOT tgisinternal", [trigger]
        )
        row = cursor.fetchone()
    return bool(row and row[0])
