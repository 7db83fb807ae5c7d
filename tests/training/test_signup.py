"""Learner self sign-up with e-mail verification (portal/accounts/signup.py)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.accounts.models import User

pytestmark = pytest.mark.django_db

FORM = {
    "full_name": "Fien Fictief",
    "email": "Fien@School.example",
    "password1": "een lange zin als wachtwoord",
    "password2": "een lange zin als wachtwoord",
}


def _link(message) -> str:
    match = re.search(r"http://[^\s]+(/account/registreren/bevestigen/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_verify_then_sign_in(django_capture_on_commit_callbacks) -> None:
    client = Client()
    assert client.get(reverse("accounts:signup")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), FORM)
    assert response["Location"] == reverse("accounts:signup_check_email")
    user = User.objects.get()
    assert user.email == "fien@school.example"
    assert user.origin == User.Origin.SIGNUP and user.email_verified_at is None
    assert "fien@school.example" in client.get(response["Location"]).content.decode()
    message = mail.outbox[-1]
    assert message.subject == "Bevestig uw e-mailadres bij Veilig Huis"
    link = _link(message)
    # GET only asks to confirm (mail scanners follow links); POST confirms.
    assert client.get(link).status_code == 200
    user.refresh_from_db()
    assert user.email_verified_at is None
    assert client.post(link).status_code == 200
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert client.post(link).status_code == 404  # used once
    # A training-only account signs in with the password alone.
    response = client.post(
        reverse("two_factor:login"),
        {
            "sign_in_view-current_step": "auth",
            "auth-username": "fien@school.example",
            "auth-password": FORM["password1"],
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("training:dashboard")).status_code == 200


def test_existing_address_gets_the_same_page_and_a_note(
    make_user, django_capture_on_commit_callbacks
) -> None:
    make_user(email="fien@school.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("accounts:signup"), FORM)
    assert response["Location"] == reverse("accounts:signup_check_email")
    assert User.objects.count() == 1
    assert mail.outbox[-1].subject == "Uw account bij Veilig Huis"
    assert "bevestigen" not in mail.outbox[-1].body


def test_bad_input_shows_dutch_errors_and_keeps_values() -> None:
    data = {**FORM, "password2": "iets anders", "email": "geen-adres"}
    response = Client().post(reverse("accounts:signup"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Er is een probleem" in html
    assert "De twee wachtwoorden zijn niet gelijk." in html or "geldig e-mailadres" in html
    assert 'value="Fien Fictief"' in html and 'value="geen-adres"' in html
    assert not User.objects.exists()


def test_weak_password_is_refused() -> None:
    data = {**FORM, "password1": "kort", "password2": "kort"}
    response = Client().post(reverse("accounts:signup"), data)
    assert response.status_code == 400
    assert not User.objects.exists()


def test_forged_link_is_refused(make_user) -> None:
    user = make_user(origin=User.Origin.SIGNUP)
    response = Client().post(f"/account/registreren/bevestigen/{user.pk}/abc-def/")
    assert response.status_code == 404
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_resend_is_limited(django_capture_on_commit_callbacks) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), FORM)
    mail.outbox.clear()
    for _ in range(5):
        client.post(reverse("accounts:signup_check_email"))
    assert len(mail.outbox) == 3
