"""Sign-in: password, then a second factor; wrong, replayed and used codes; lockout."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice

from tests.factories.people import PASSWORD, totp_code

LOGIN = "/account/aanmelden/"


def post_password(client: Client, email: str, password: str = PASSWORD):
    return client.post(
        LOGIN,
        {"sign_in_view-current_step": "auth", "auth-username": email, "auth-password": password},
    )


def post_token(client: Client, token: str):
    return client.post(LOGIN, {"sign_in_view-current_step": "token", "token-otp_token": token})


def post_backup(client: Client, token: str):
    return client.post(LOGIN, {"sign_in_view-current_step": "backup", "backup-otp_token": token})


def is_verified(client: Client) -> bool:
    return client.get("/samenwerking/").status_code == 200


@pytest.fixture
def enrolled(make_user, make_device):
    user = make_user(email="anna@test.example")
    return user, make_device(user)


@pytest.mark.django_db
def test_password_then_code_verifies_and_rotates_the_session(enrolled, client: Client) -> None:
    user, device = enrolled
    client.get(LOGIN)
    before = client.cookies["vh_session"].value if "vh_session" in client.cookies else None
    response = post_password(client, user.email)
    assert response.status_code == 200
    assert b"token-otp_token" in response.content  # the second step is asked
    assert not is_verified(client)
    response = post_token(client, totp_code(device))
    assert response.status_code == 302
    assert client.cookies["vh_session"].value != before
    assert is_verified(client)


@pytest.mark.django_db
def test_wrong_code_is_refused_with_a_dutch_message(enrolled, client: Client) -> None:
    user, device = enrolled
    post_password(client, user.email)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = post_token(client, wrong)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Er is een probleem" in page
    assert "Deze code is niet geldig. Gebruik de huidige code uit uw app." in page
    assert "Invalid token" not in page
    assert not is_verified(client)


def test_every_message_of_the_code_step_is_given_in_dutch() -> None:
    """django-otp has no Dutch catalogue: each of its messages needs our words, a key added by
    a later version included."""
    from django_otp.forms import OTPAuthenticationFormMixin

    from portal.accounts.forms import OTP_ERROR_MESSAGES

    assert set(OTPAuthenticationFormMixin.otp_error_messages) <= set(OTP_ERROR_MESSAGES)


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(enrolled) -> None:
    user, device = enrolled
    code = totp_code(device)
    first = Client()
    post_password(first, user.email)
    assert post_token(first, code).status_code == 302
    second = Client()
    post_password(second, user.email)
    response = post_token(second, code)
    assert response.status_code == 200
    assert "Gebruik de huidige code uit uw app." in response.content.decode()
    assert not is_verified(second)


@pytest.mark.django_db
def test_backup_code_works_once(enrolled) -> None:
    user, _device = enrolled
    static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    static.token_set.create(token="abcd1234")
    first = Client()
    post_password(first, user.email)
    assert post_backup(first, "abcd1234").status_code == 302
    assert is_verified(first)
    second = Client()
    post_password(second, user.email)
    response = post_backup(second, "abcd1234")
    assert response.status_code == 200
    assert not is_verified(second)


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_and_address(enrolled, settings) -> None:
    user, _device = enrolled
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_password(client, user.email, "verkeerd-wachtwoord-123")
    response = post_password(client, user.email)  # the right password, now too late
    assert response.status_code == 429
    assert "Tijdelijk geblokkeerd" in response.content.decode()
    assert not is_verified(client)
    # Another address is not locked out by this one's guessing.
    other = Client(REMOTE_ADDR="192.0.2.77")
    assert post_password(other, user.email).status_code == 200


@pytest.mark.django_db
def test_wrong_codes_count_towards_the_lockout(enrolled, settings) -> None:
    user, device = enrolled
    client = Client()
    post_password(client, user.email)
    wrong = f"{(int(totp_code(device)) + 3) % 1_000_000:06d}"
    statuses = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        statuses.append(post_token(client, wrong).status_code)
        time.sleep(0)  # codes are checked one after another, as a person would
    assert statuses[-1] == 429
    fresh = Client()
    response = post_password(fresh, user.email)
    assert response.status_code == 429
    assert not is_verified(fresh)


@pytest.mark.django_db
def test_sign_in_page_is_dutch_and_has_labels(client: Client) -> None:
    html = client.get(LOGIN).content.decode()
    assert '<html lang="nl-BE">' in html
    assert '<label for="id_auth-username">E-mailadres</label>' in html
    assert 'href="#main"' in html
