"""The manage-by-link page promises the private address only to a place that may still get it
(found by the outside test of the peer-support booking: a cancelled registration was told
"Het adres krijgt u per e-mail zodra uw plaats bevestigd is").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from content.training.models import RegistrationStatus, SessionKind, TrainingSession
from content.training.services.sessions import (
    registration_cancel,
    registration_create,
    registration_link_token,
)

pytestmark = pytest.mark.django_db

PROMISE = "Het adres krijgt u per e-mail zodra uw plaats bevestigd is."
IN_THE_MAIL = "Het adres staat in uw bevestigingsmail"


def test_only_a_waiting_place_is_promised_the_address(
    make_session: Callable[..., TrainingSession], django_capture_on_commit_callbacks: Any
) -> None:
    session = make_session(
        kind=SessionKind.PEER_SUPPORT,
        title="Lotgenoten",
        location="Gent",
        private_address="Zaal Fictief, Geheimstraat 7, 9000 Gent",
        capacity=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        an = registration_create(session_id=session.pk, display_name="An", email="an@test.example")
        bo = registration_create(session_id=session.pk, display_name="Bo", email="bo@test.example")
        co = registration_create(session_id=session.pk, display_name="Co", email="co@test.example")

    def page(registration: Any) -> str:
        url = reverse("training:registration_manage", args=[registration_link_token(registration)])
        return Client().get(url).content.decode()

    assert IN_THE_MAIL in page(an) and PROMISE not in page(an)
    assert bo.status == RegistrationStatus.WAITLISTED and PROMISE in page(bo)
    with django_capture_on_commit_callbacks(execute=True):
        co = registration_cancel(registration=co)
    assert co.status == RegistrationStatus.CANCELLED
    cancelled = page(co)
    assert PROMISE not in cancelled and IN_THE_MAIL not in cancelled
    assert "Geheimstraat" not in cancelled
