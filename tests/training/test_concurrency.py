"""Capacity holds under parallel registrations: many threads, each with its own database
connection, post to the registration page at the same moment.

Runs on whatever DATABASE_URL points at: PostgreSQL in CI (row lock with SELECT … FOR UPDATE),
SQLite locally (one writer at a time). Never skipped.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content.training.models import (
    RegistrationStatus,
    SessionKind,
    SessionRegistration,
    TrainingSession,
)
from content.training.services.sessions import registration_cancel, registration_create
from portal.security.form_guard import form_token

THREADS = 16
CAPACITY = 5


def _in_parallel(work, count: int) -> list[object]:
    """Run ``work(n)`` in ``count`` threads released at the same moment; collect the results
    (or the exceptions)."""
    barrier = threading.Barrier(count)
    results: list[object] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            try:
                result: object = work(n)
            except Exception as error:
                result = error
            with lock:
                results.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _session() -> TrainingSession:
    start = timezone.now() + timedelta(days=7)
    return TrainingSession.objects.create(
        kind=SessionKind.PEER_SUPPORT,
        title="Sessie",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        location="Gent",
        capacity=CAPACITY,
    )


def _assert_capacity_held(session: TrainingSession) -> None:
    registrations = SessionRegistration.objects.filter(session=session)
    assert registrations.count() == THREADS
    confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    waitlisted = registrations.filter(status=RegistrationStatus.WAITLISTED).count()
    assert (confirmed, waitlisted) == (CAPACITY, THREADS - CAPACITY)
    print(f"{connection.vendor}: {THREADS} parallel, {confirmed} places, {waitlisted} waiting")


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_never_exceed_capacity() -> None:
    """The service, from many threads at once: on every database."""
    session = _session()
    results = _in_parallel(
        lambda n: registration_create(
            session_id=session.pk, display_name=f"P{n}", email=f"p{n}@test.example"
        ),
        THREADS,
    )
    assert all(isinstance(r, SessionRegistration) for r in results), results
    _assert_capacity_held(session)


@pytest.mark.django_db(transaction=True)
def test_parallel_http_registrations_never_exceed_capacity(settings: Any) -> None:
    """The whole request path at once. PostgreSQL only: SQLite's in-memory test database
    (shared cache) refuses even reads while another connection writes, instead of waiting;
    the service test above covers SQLite. CI runs this on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI sets DATABASE_URL); SQLite is covered above")
    session = _session()
    url = reverse("training:session_detail", args=[session.pk])
    # People, not a script: each from their own address, each form shown a while ago; the
    # session's rate limit out of the way (tests/training/test_registration_privacy.py).
    settings.TRAINING_REGISTRATION_LIMITS = {"session_minimum": THREADS * 2}
    cache.delete(f"training:registration-rate:session:{session.pk}")
    cache.delete_many(
        [f"training:registration-rate:address:198.51.100.{n}" for n in range(THREADS)]
    )
    shown = form_token(time.time() - 10, salt="content.training.registration-shown")
    results = _in_parallel(
        lambda n: (
            Client()
            .post(
                url,
                {"display_name": f"P{n}", "email": f"p{n}@test.example", "shown_at": shown},
                REMOTE_ADDR=f"198.51.100.{n}",
            )
            .status_code
        ),
        THREADS,
    )
    assert results == [200] * THREADS, results
    _assert_capacity_held(session)


@pytest.mark.django_db(transaction=True)
def test_parallel_cancellations_offer_each_freed_place_once() -> None:
    session = _session()
    for n in range(CAPACITY * 2):
        SessionRegistration.objects.create(
            session=session,
            display_name=f"P{n}",
            email=f"p{n}@test.example",
            status=RegistrationStatus.CONFIRMED if n < CAPACITY else RegistrationStatus.WAITLISTED,
        )
    holders = list(session.registrations.filter(status=RegistrationStatus.CONFIRMED))
    results = _in_parallel(lambda n: registration_cancel(registration=holders[n]), len(holders))
    assert all(isinstance(r, SessionRegistration) for r in results), results
    held = session.registrations.filter(
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED]
    )
    assert held.count() == CAPACITY
    assert session.registrations.filter(status=RegistrationStatus.OFFERED).count() == CAPACITY
    assert not session.registrations.filter(status=RegistrationStatus.WAITLISTED).exists()
