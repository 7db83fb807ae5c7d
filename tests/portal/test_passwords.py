"""Password change and reset: validated, audited, and never a way around the second factor."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from tests.factories.people import PASSWORD


@pytest.mark.django_db
def test_change_password_keeps_this_session_and_ends_the_others(make_user, verified_client) -> None:
    user = make_user()
    here, elsewhere = verified_client(user), verified_client(user)
    response = here.post(
        "/account/wachtwoord/",
        {
            "old_password": PASSWORD,
            "new_password1": "zomer-aan-de-leie-2031",
            "new_password2": "zomer-aan-de-leie-2031",
        },
    )
    assert response.status_code == 302
    assert here.get("/samenwerking/").status_code == 200
    assert elsewhere.get("/samenwerking/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED, actor=user).exists()


@pytest.mark.django_db
def test_weak_new_password_gets_a_dutch_message(make_user, verified_client) -> None:
    client = verified_client(make_user())
    response = client.post(
        "/account/wachtwoord/",
        {"old_password": PASSWORD, "new_password1": "kort", "new_password2": "kort"},
    )
    assert response.status_code == 200
    assert "Er is een probleem" in response.content.decode()
    assert "12" in response.content.decode()


@pytest.mark.django_db
def test_reset_by_mail_sets_the_password_but_the_second_factor_still_applies(
    make_user, make_device, client: Client
) -> None:
    user = make_user(email="herstel@test.example")
    make_device(user)
    client.post("/account/wachtwoord-vergeten/", {"email": "herstel@test.example"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    base = re.escape(settings.PORTAL_BASE_URL.rstrip("/"))
    link = re.search(rf"{base}(/account/herstel/\S+/)", message.body).group(1)
    form_url = client.get(link)["Location"]
    new = "herfst-in-de-kempen-2032"
    assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET, actor=user).exists()
    fresh = Client()
    response = fresh.post(
        "/account/aanmelden/",
        {"sign_in_view-current_step": "auth", "auth-username": user.email, "auth-password": new},
    )
    assert b"token-otp_token" in response.content  # the code is still asked
    assert fresh.get("/samenwerking/").status_code == 302


@pytest.mark.django_db
def test_reset_for_an_unknown_address_looks_the_same(client: Client) -> None:
    response = client.post("/account/wachtwoord-vergeten/", {"email": "niemand@test.example"})
    assert response.status_code == 302
    assert response["Location"] == "/account/wachtwoord-vergeten/verstuurd/"
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_the_reset_link_ignores_a_forged_host(make_user, client: Client, settings) -> None:
    """ALLOWED_HOSTS checks the host name, never the port: the link must not come from the
    request (found from outside: ``Host: localhost:1337`` was mailed as the link)."""
    settings.PORTAL_BASE_URL = "https://portaal.veilighuis.example"
    make_user(email="host@test.example")
    client.post(
        "/account/wachtwoord-vergeten/", {"email": "host@test.example"}, HTTP_HOST="localhost:1337"
    )
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "https://portaal.veilighuis.example/account/herstel/" in body
    assert "1337" not in body and "localhost" not in body
