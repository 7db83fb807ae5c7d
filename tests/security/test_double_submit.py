"""A form sent twice (double click, resend, two tabs of one form) creates one record."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from collaboration.models import ConsultRequest
from content.forms import form_token
from portal.security.once import new_token


@pytest.mark.django_db
def test_consult_form_sent_twice_creates_one_question(client: Client) -> None:
    from django.core.cache import cache

    from content.demo_site import ensure_demo_site
    from content.models import ConsultPage
    from tests.consult_coordinators import make_region_coordinator

    ensure_demo_site()
    make_region_coordinator("oost-vlaanderen")  # only a region with coordinators is offered
    # The rate limit of this address lives in the cache, which outlives a run on Redis.
    cache.delete("content:consult-rate:127.0.0.1")
    url = ConsultPage.objects.live().first().url
    data = {
        "name": "Fien Testpersoon",
        "organisation": "CLB Fictiefstad",
        "email": "fien@clb.example",
        "phone": "",
        "region": "oost-vlaanderen",
        "question": "Hoe spreek ik een vermoeden aan?",
        "website": "",
        "shown_at": form_token(time.time() - 30),
        "once": new_token(),
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert ConsultRequest.objects.count() == 1
    # A new rendering of the form is a new question.
    client.post(url, {**data, "once": new_token()})
    assert ConsultRequest.objects.count() == 2


@pytest.mark.django_db
def test_forged_one_time_token_is_refused_in_dutch(client: Client) -> None:
    from content.demo_site import ensure_demo_site
    from content.models import ConsultPage

    ensure_demo_site()
    url = ConsultPage.objects.live().first().url
    response = client.post(
        url, {"name": "X", "shown_at": form_token(time.time() - 30), "once": "vervalst"}
    )
    assert response.status_code == 200
    assert "Dit formulier is verlopen" in response.content.decode()
    assert ConsultRequest.objects.count() == 0
