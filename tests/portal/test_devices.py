"""Enrolment, backup codes shown once, device removal with password and code."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories.people import PASSWORD, totp_code


@pytest.mark.django_db
def test_enrolment_shows_qr_code_and_secret_and_verifies_the_session(make_user) -> None:
    user = make_user()
    client = Client()
    client.force_login(user)
    url = "/account/tweestapsverificatie/instellen/"
    client.get(url)
    response = client.post(url, {"setup_view-current_step": "welcome"})
    html = response.content.decode()
    assert "/account/tweestapsverificatie/qr/" in html
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', html)
    assert secret is not None
    assert client.get("/account/tweestapsverificatie/qr/").status_code == 200
    # The app would now show a code for that secret; compute it the way the app does.
    import base64

    from django_otp.oath import TOTP

    key = base64.b32decode(secret.group(1) + "=" * (-len(secret.group(1)) % 8))
    code = f"{TOTP(key).token():06d}"
    response = client.post(url, {"setup_view-current_step": "generator", "generator-token": code})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert client.get("/samenwerking/").status_code == 200


@pytest.mark.django_db
def test_backup_codes_are_shown_once(make_user, verified_client) -> None:
    user = make_user()
    client = verified_client(user)
    response = client.post("/account/reservecodes/")
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert "no-store" in response["Cache-Control"].split(", ")
    later = client.get("/account/reservecodes/").content.decode()
    assert not any(code in later for code in codes)
    assert "10 ongebruikte reservecodes" in later
    # Renewing voids the old codes.
    client.post("/account/reservecodes/")
    static = StaticDevice.objects.get(user=user)
    assert not static.token_set.filter(token__in=codes).exists()


@pytest.mark.django_db
def test_backup_codes_need_a_verified_session(make_user, make_device) -> None:
    user = make_user()
    make_device(user)
    client = Client()
    client.force_login(user)
    response = client.post("/account/reservecodes/")
    assert response.status_code == 302
    assert not StaticDevice.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_removing_the_device_needs_password_and_current_code(make_user, verified_client) -> None:
    user = make_user()
    client = verified_client(user)
    device = TOTPDevice.objects.get(user=user)
    url = "/account/tweestapsverificatie/verwijderen/"
    response = client.post(
        url, {"password": "fout-wachtwoord-0000", "otp_token": totp_code(device)}
    )
    assert response.status_code == 200
    assert "klopt niet" in response.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()
    response = client.post(url, {"password": PASSWORD, "otp_token": "000000"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=user).exists()
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(url, {"password": PASSWORD, "otp_token": totp_code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get("/samenwerking/").status_code == 302
