"""The public consult form: validation in Dutch, storage through the collaboration service,
a confirmation without content, spam resistance and rate limiting."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from wagtail.models import Locale

from collaboration.models import ConsultRequest
from content.forms import form_token
from content.models import ConsultPage, HomePage
from content.models.consult import RATE_LIMIT_SUBMISSIONS
from portal.security.once import new_token
from tests.consult_coordinators import consult_coordinators  # noqa: F401 - fixture

# every region has a coordinator: only such regions are offered (collaboration/services/consults)
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("consult_coordinators")]

QUESTION = "Een moeder vertelt over geweld thuis. Hoe pak ik het gesprek met de vader aan?"


@pytest.fixture
def consult_url(demo_site: HomePage) -> str:
    return ConsultPage.objects.get(locale=Locale.get_default()).url


def _data(**overrides: Any) -> dict[str, str]:
    data = {
        "name": "Fien Testpersoon",
        "organisation": "CLB Fictiefstad",
        "email": "fien@clb.example",
        "phone": "",
        "region": "oost-vlaanderen",
        "question": QUESTION,
        "website": "",
        "shown_at": form_token(time.time() - 30),
        "once": new_token(),
    }
    data.update(overrides)
    return data


def test_form_shows_labels_and_a_time_token(client: Client, consult_url: str) -> None:
    response = client.get(consult_url)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_question"' in body
    assert 'name="shown_at"' in body
    assert "zonder namen, adressen of geboortedata" in body


def test_valid_question_is_stored_and_confirmed_without_content(
    client: Client, consult_url: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(consult_url, _data())
    assert response.status_code == 302
    assert response["Location"].endswith("?verzonden=1")
    consult = ConsultRequest.objects.get()
    assert (consult.organisation, consult.region, consult.question) == (
        "CLB Fictiefstad",
        "oost-vlaanderen",
        QUESTION,
    )
    # the asker's confirmation, and the region's coordinator's notification: neither says what
    assert sorted(m.to[0] for m in mail.outbox) == [
        "coord-oost-vlaanderen@consult.example",
        "fien@clb.example",
    ]
    assert all("geweld thuis" not in m.subject + m.body for m in mail.outbox)
    thanks = client.get(response["Location"]).content.decode()
    assert "Uw vraag is verstuurd" in thanks


def test_bad_input_gets_a_dutch_summary_and_keeps_what_was_typed(
    client: Client, consult_url: str
) -> None:
    response = client.post(consult_url, _data(email="geen-adres", region="", name=""))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Er is een probleem" in body
    assert 'href="#id_email"' in body
    assert "Vul een geldig e-mailadres in." in body or "geldig e-mailadres" in body
    assert QUESTION in body  # the question survives
    assert 'value="CLB Fictiefstad"' in body
    assert ConsultRequest.objects.count() == 0


def test_honeypot_and_instant_posts_are_refused(client: Client, consult_url: str) -> None:
    response = client.post(consult_url, _data(website="http://spam.example"))
    assert "Er is een probleem" in response.content.decode()
    response = client.post(consult_url, _data(shown_at=form_token(time.time())))
    assert "Dat ging erg snel" in response.content.decode()
    response = client.post(consult_url, _data(shown_at="vervalst"))
    assert "verlopen" in response.content.decode()
    assert ConsultRequest.objects.count() == 0


def test_rate_limited_per_address(client: Client, consult_url: str) -> None:
    for _ in range(RATE_LIMIT_SUBMISSIONS):
        assert client.post(consult_url, _data()).status_code == 302
    response = client.post(consult_url, _data())
    assert response.status_code == 200
    assert "Probeer later opnieuw" in response.content.decode()
    assert ConsultRequest.objects.count() == RATE_LIMIT_SUBMISSIONS


def test_garbage_post_is_not_a_server_error(client: Client, consult_url: str) -> None:
    response = client.post(consult_url, {"region": "mars", "question": "x" * 6000, "shown_at": ""})
    assert response.status_code == 200
    assert "Er is een probleem" in response.content.decode()
