"""Idle and absolute expiry, sign-out, sign out everywhere."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from portal.security.sessions import AUTH_AT_KEY, SEEN_AT_KEY


def _age_session(client: Client, *, auth_ago: float, seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[AUTH_AT_KEY] = int(now - auth_ago)
    session[SEEN_AT_KEY] = int(now - seen_ago)
    session.save()


@pytest.mark.django_db
def test_verified_session_expires_after_30_idle_minutes(verified_client) -> None:
    client = verified_client()
    _age_session(client, auth_ago=31 * 60, seen_ago=29 * 60)
    assert client.get("/samenwerking/").status_code == 200  # 29 idle minutes: still fine
    _age_session(client, auth_ago=62 * 60, seen_ago=31 * 60)
    response = client.get("/samenwerking/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/aanmelden/")
    page = client.get(response["Location"]).content.decode()
    assert "Uw sessie is verlopen" in page
    # The message is shown once, not forever.
    assert "Uw sessie is verlopen" not in client.get("/account/aanmelden/").content.decode()


@pytest.mark.django_db
def test_verified_session_expires_after_12_hours_even_when_active(verified_client) -> None:
    client = verified_client()
    _age_session(client, auth_ago=11.9 * 3600, seen_ago=10)
    assert client.get("/samenwerking/").status_code == 200
    _age_session(client, auth_ago=12 * 3600 + 5, seen_ago=10)
    assert client.get("/samenwerking/").status_code == 302


@pytest.mark.django_db
def test_activity_moves_the_idle_clock(verified_client) -> None:
    client = verified_client()
    _age_session(client, auth_ago=3600, seen_ago=25 * 60)
    assert client.get("/samenwerking/").status_code == 200
    seen = client.session[SEEN_AT_KEY]
    assert time.time() - seen < 5


@pytest.mark.django_db
def test_sign_out_clears_the_session(verified_client) -> None:
    client = verified_client()
    response = client.post("/account/afmelden/")
    assert response.status_code == 302
    assert client.get("/samenwerking/").status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_is_post_only(verified_client) -> None:
    client = verified_client()
    assert client.get("/account/afmelden/").status_code == 405
    assert client.get("/samenwerking/").status_code == 200


@pytest.mark.django_db
def test_sign_out_everywhere_ends_every_session_of_the_user(make_user, verified_client) -> None:
    user = make_user()
    laptop, phone = verified_client(user), verified_client(user)
    other_person = verified_client()
    assert phone.get("/samenwerking/").status_code == 200
    assert laptop.post("/account/overal-afmelden/").status_code == 302
    assert laptop.get("/samenwerking/").status_code == 302
    assert phone.get("/samenwerking/").status_code == 302
    assert other_person.get("/samenwerking/").status_code == 200
