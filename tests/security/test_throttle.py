"""The per-account sign-in throttle holds against rotating addresses; the real person gets in.

The clock is pinned with time-machine: the throttle compares moments by value, so moving the
clock ends a delay on Redis as on the local-memory cache.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

from portal.security import throttle
from tests.factories.people import PASSWORD, totp_code
from tests.portal.test_sign_in import is_verified, post_password, post_token

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PROXY = "10.0.0.2"


class CountingHasher(MD5PasswordHasher):
    """The test settings' MD5 hasher, counting how often a password is actually checked."""

    checks = 0

    def verify(self, password: str, encoded: str) -> bool:
        CountingHasher.checks += 1
        return super().verify(password, encoded)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def enrolled(make_user, make_device, settings):
    settings.PASSWORD_HASHERS = ["tests.security.test_throttle.CountingHasher"]
    user = make_user(email="throttled@test.example")
    throttle.reset(throttle.account_name(user.email))
    return user, make_device(user)


def _attacker(kind: str, number: int) -> Client:
    """A client at a new address each time, as the application sees it."""
    address = f"203.0.113.{number + 1}"
    if kind == "own address":  # a botnet; or uvicorn trusting "*" turned forged headers into this
        return Client(REMOTE_ADDR=address)
    if kind == "through our proxy":  # our nginx reporting a new client address each time
        return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    # a forged header sent straight to the application: ignored, one address throughout
    return Client(REMOTE_ADDR="198.51.100.99", HTTP_X_FORWARDED_FOR=address)


def _real_person(kind: str) -> Client:
    if kind == "through our proxy":
        return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.10")
    return Client(REMOTE_ADDR="192.0.2.10")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["own address", "through our proxy", "forged header"])
def test_twelve_wrong_passwords_from_twelve_addresses_then_the_right_one_is_refused(
    enrolled, clock, settings, kind: str
) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    user, device = enrolled
    for number in range(12):
        post_password(_attacker(kind, number), user.email, f"fout-wachtwoord-{number}")

    attacker = _attacker(kind, 12)
    response = post_password(attacker, user.email)  # the right password, from a 13th address
    assert response.status_code == 429
    assert b"token-otp_token" not in response.content
    assert "Tijdelijk geblokkeerd" in response.content.decode()
    assert not is_verified(attacker)

    # After the delay (the first one: refusals did not lengthen it, and axes' quarter of an
    # hour for one address is not over) the real person, from their own address, signs in.
    clock.shift(settings.THROTTLE_BASE_DELAY + 1)
    person = _real_person(kind)
    response = post_password(person, user.email)
    assert response.status_code == 200
    assert b"token-otp_token" in response.content
    assert post_token(person, totp_code(device)).status_code == 302
    assert is_verified(person)


@pytest.mark.django_db
def test_inside_the_delay_no_password_is_checked_and_the_page_says_when(
    enrolled, clock, settings
) -> None:
    user, device = enrolled
    for number in range(settings.THROTTLE_FREE_ATTEMPTS):
        post_password(_attacker("own address", number), user.email, "fout-wachtwoord")
    checks = CountingHasher.checks
    right = post_password(_attacker("own address", 50), user.email)
    wrong = post_password(_attacker("own address", 51), user.email, "fout-wachtwoord")
    assert CountingHasher.checks == checks, "a password was checked inside the delay"
    for response in (right, wrong):
        assert response.status_code == 429
        assert response["Retry-After"] == str(settings.THROTTLE_BASE_DELAY)
        # 09:00:30 UTC is 10:00:30 in Brussels (the portal's time zone)
        assert re.search(r"vanaf\s+10:00:30\s+opnieuw", response.content.decode())
    # Refused attempts do not count: the wait is still the first one, not a longer one.
    clock.shift(settings.THROTTLE_BASE_DELAY)
    person = Client(REMOTE_ADDR="192.0.2.10")
    assert post_password(person, user.email).status_code == 200
    assert post_token(person, totp_code(device)).status_code == 302


@pytest.mark.django_db
def test_delays_double_up_to_the_maximum(settings, clock) -> None:
    name = "verdubbeling@test.example"
    throttle.reset(name)
    for _ in range(settings.THROTTLE_FREE_ATTEMPTS - 1):
        assert throttle.reserve_attempt(name) is None
    waits = []
    for _ in range(8):
        assert throttle.reserve_attempt(name) is None  # the window is open: one check
        until = throttle.reserve_attempt(name)  # the next one waits
        assert until is not None
        waits.append(round(until - time.time()))
        clock.shift(waits[-1])
    base, most = settings.THROTTLE_BASE_DELAY, settings.THROTTLE_MAX_DELAY
    assert waits == [min(most, base * 2**n) for n in range(8)]
    assert waits[-1] == most


def test_a_parallel_burst_gets_no_more_checks_than_the_free_ones(settings) -> None:
    name = "gelijktijdig@test.example"
    throttle.reset(name)
    allowed: list[bool] = []
    start = threading.Barrier(40)

    def attempt() -> None:
        start.wait()
        allowed.append(throttle.reserve_attempt(name) is None)

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == settings.THROTTLE_FREE_ATTEMPTS


@pytest.mark.django_db
def test_names_without_an_account_are_throttled_the_same(enrolled, clock, settings) -> None:
    """The throttle must not tell which addresses have an account."""
    user, _device = enrolled
    unknown = "niemand-hier@test.example"
    throttle.reset(unknown)
    answers = {}
    for email in (user.email, unknown):
        for number in range(settings.THROTTLE_FREE_ATTEMPTS):
            post_password(_attacker("own address", number), email, "fout-wachtwoord")
        response = post_password(_attacker("own address", 99), email, PASSWORD)
        answers[email] = (response.status_code, response["Retry-After"])
    assert answers[user.email] == answers[unknown] == (429, str(settings.THROTTLE_BASE_DELAY))


@pytest.mark.django_db
def test_a_completed_sign_in_starts_the_count_again(enrolled, clock, settings) -> None:
    user, device = enrolled
    for number in range(settings.THROTTLE_FREE_ATTEMPTS - 2):
        post_password(_attacker("own address", number), user.email, "fout-wachtwoord")
    person = Client(REMOTE_ADDR="192.0.2.10")
    post_password(person, user.email)
    assert post_token(person, totp_code(device)).status_code == 302
    for number in range(settings.THROTTLE_FREE_ATTEMPTS - 1):
        response = post_password(_attacker("own address", 20 + number), user.email, "fout-1")
        assert response.status_code == 200


@pytest.mark.django_db
def test_wrong_codes_from_rotating_addresses_count_for_the_account(enrolled, clock, settings):
    """Someone with the password but not the code, in one session, changing address each try."""
    user, device = enrolled
    client = Client(REMOTE_ADDR="203.0.113.1")
    post_password(client, user.email)
    wrong = f"{(int(totp_code(device)) + 5) % 1_000_000:06d}"
    for number in range(settings.THROTTLE_FREE_ATTEMPTS):
        client.defaults["REMOTE_ADDR"] = f"203.0.113.{number + 2}"
        post_token(client, wrong)
    fresh = Client(REMOTE_ADDR="203.0.113.200")
    assert post_password(fresh, user.email).status_code == 429


@pytest.mark.django_db
def test_the_throttle_is_never_a_sessions_backend(make_user) -> None:
    """Django keeps the first backend with ``get_user`` as a session's backend; this one must
    not have it, or every session opened without authenticate() (force_login) would be void."""
    client = Client()
    client.force_login(make_user())
    assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"
    assert client.get("/account/").status_code == 200
