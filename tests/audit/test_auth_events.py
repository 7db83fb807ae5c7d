"""Authentication events land in the audit trail with address, session and correlation id."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from portal.security.sessions import SEEN_AT_KEY
from tests.factories.people import totp_code
from tests.portal.test_sign_in import post_password, post_token


def actions() -> list[int]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


@pytest.mark.django_db
def test_full_sign_in_records_password_and_second_factor(make_user, make_device) -> None:
    user = make_user()
    device = make_device(user)
    client = Client(REMOTE_ADDR="198.51.100.7")
    post_password(client, user.email)
    response = post_token(client, totp_code(device))
    assert actions()[-2:] == [AuditAction.SIGN_IN_SUCCEEDED, AuditAction.SECOND_FACTOR_SUCCEEDED]
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_SUCCEEDED)
    assert event.actor == user
    assert event.ip_address == "198.51.100.7"
    assert event.session_ref and event.correlation_id
    assert response["X-Correlation-ID"] == AuditEvent.objects.last().correlation_id


@pytest.mark.django_db
def test_failures_and_lockout_are_recorded_without_secrets(
    make_user, make_device, settings
) -> None:
    user = make_user()
    device = make_device(user)
    client = Client()
    post_password(client, user.email, "fout-wachtwoord-99")
    post_password(client, user.email)
    post_token(client, f"{(int(totp_code(device)) + 1) % 1_000_000:06d}")
    assert AuditAction.SIGN_IN_FAILED in actions()
    assert AuditAction.SECOND_FACTOR_FAILED in actions()
    failed = AuditEvent.objects.filter(outcome=Outcome.DENIED)
    for event in failed:
        assert "fout-wachtwoord-99" not in str(event.extra) + event.purpose
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_password(Client(), user.email, "fout-wachtwoord-99")
    assert AuditAction.LOCKED_OUT in actions()


@pytest.mark.django_db
def test_device_backup_codes_sign_out_and_expiry_are_recorded(make_user, verified_client) -> None:
    user = make_user()
    client = verified_client(user)
    assert AuditAction.DEVICE_ADDED in actions()
    client.post("/account/reservecodes/")
    assert actions()[-1] == AuditAction.BACKUP_CODES_RENEWED
    session = client.session
    session[SEEN_AT_KEY] = int(time.time()) - 3600
    session.save()
    client.get("/samenwerking/")
    assert AuditAction.SESSION_EXPIRED in actions()
    other = verified_client(user)
    other.post("/account/overal-afmelden/")
    assert AuditAction.SIGNED_OUT_EVERYWHERE in actions()
    assert actions()[-1] == AuditAction.SIGNED_OUT


@pytest.mark.django_db
def test_forged_forwarded_for_is_ignored_without_a_trusted_proxy(
    make_user, make_device, settings
) -> None:
    user = make_user()
    make_device(user)
    client = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.9.9.9")
    post_password(client, user.email, "een-fout-wachtwoord-1")
    assert AuditEvent.objects.last().ip_address == "203.0.113.5"
    settings.TRUSTED_PROXIES = ["203.0.113.5"]  # now the peer is our proxy
    client = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.44")
    post_password(client, user.email, "nog-een-fout-wachtwoord")
    assert AuditEvent.objects.last().ip_address == "192.0.2.44"
