"""Fixtures for training tests: a learner and training sessions. The catalogue (home, index,
make_course) is in tests/conftest.py, built by tests/factories/courses.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from content.training.models import TrainingSession
from portal.accounts.models import User
from tests.factories.courses import TrainingSessionFactory


@pytest.fixture
def learner(make_user: Callable[..., User]) -> User:
    return make_user(
        email="lerende@test.example",
        full_name="Fien Fictief",
        origin=User.Origin.SIGNUP,
        email_verified_at=timezone.now(),
    )


@pytest.fixture
def learner_client(learner: User) -> Client:
    client = Client()
    client.force_login(learner)
    return client


@pytest.fixture
def make_session(db: Any) -> Callable[..., TrainingSession]:
    """``TrainingSessionFactory`` as a fixture (``in_days`` moves the start)."""
    return TrainingSessionFactory
