"""Sockets end with the session, HTTP side (issue 12, item 6).

Every event over HTTP that changes how someone signs in ends their other sessions and sends
``session.terminate`` to their sockets' group on the real channel layer (in-memory here,
Redis when ``REDIS_URL`` is set): password change, password reset, enrolling or removing a
second factor (also through the Django admin), the first backup codes, sign-out everywhere, an
administrator setting someone's password. The test joins ``user_group(user.pk)`` as a consumer
does and waits for the message; the heartbeat that re-checks sessions is tested elsewhere.
"""

from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core import mail
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import User
from portal.security.sockets import user_group
from tests.factories.people import PASSWORD, totp_code
from tests.security.routes import session_state

NEW_PASSWORD = "lente-langs-de-dijle-2034"


@pytest.fixture
def terminate_sent(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> Callable[[int, Callable[[], Any]], list[dict[str, Any]]]:
    """Run ``action`` while listening on the user's group; return what arrived.

    The action runs in this thread (``sync_to_async`` from inside ``async_to_sync``), so it
    sees the test's database; commit hooks run as they would after the request's commit.
    """

    def _run(user_id: int, action: Callable[[], Any]) -> list[dict[str, Any]]:
        def act() -> None:
            with django_capture_on_commit_callbacks(execute=True):
                action()

        async def scenario() -> list[dict[str, Any]]:
            layer = get_channel_layer()
            channel = await layer.new_channel()
            await layer.group_add(user_group(user_id), channel)
            received: list[dict[str, Any]] = []
            try:
                await sync_to_async(act)()
                while True:
                    try:
                        received.append(await asyncio.wait_for(layer.receive(channel), 2))
                    except TimeoutError:
                        return received
            finally:
                await layer.group_discard(user_group(user_id), channel)

        return async_to_sync(scenario)()

    return _run


def terminated(messages: list[dict[str, Any]]) -> bool:
    return any(message.get("type") == "session.terminate" for message in messages)


def signed_in(client: Client) -> bool:
    return client.get("/account/").status_code == 200


@pytest.fixture
def owner(make_user: Callable[..., User]) -> User:
    user = make_user()
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    user.refresh_from_db()
    return user


@pytest.mark.django_db
def test_password_change_closes_sockets_and_keeps_only_this_session(
    owner: User, verified_client: Callable[..., Client], terminate_sent: Callable
) -> None:
    here, elsewhere = verified_client(owner), verified_client(owner)
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    messages = terminate_sent(owner.pk, lambda: here.post("/account/wachtwoord/", data))
    assert terminated(messages)
    assert session_state(here) == (owner.pk, True)
    assert not signed_in(elsewhere)


@pytest.mark.django_db
def test_password_reset_closes_sockets_and_ends_every_session(
    owner: User, verified_client: Callable[..., Client], terminate_sent: Callable
) -> None:
    elsewhere = verified_client(owner)
    client = Client()
    client.post("/account/wachtwoord-vergeten/", {"email": owner.email})
    base = re.escape(settings.PORTAL_BASE_URL.rstrip("/"))  # reset links never use the Host
    link = re.search(rf"{base}(/account/herstel/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link)["Location"]
    messages = terminate_sent(
        owner.pk,
        lambda: client.post(
            form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        ),
    )
    assert terminated(messages)
    assert session_state(client) == (None, False)  # a reset never signs in
    assert not signed_in(elsewhere)


@pytest.mark.django_db
def test_enrolment_closes_sockets_and_ends_older_sessions(
    make_user: Callable[..., User], terminate_sent: Callable
) -> None:
    user = make_user()
    older, here = Client(), Client()
    older.force_login(user)
    here.force_login(user)
    url = "/account/tweestapsverificatie/instellen/"
    here.get(url)
    html = here.post(url, {"setup_view-current_step": "welcome"}).content.decode()
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', html).group(1)
    code = f"{TOTP(base64.b32decode(secret + '=' * (-len(secret) % 8))).token():06d}"
    messages = terminate_sent(
        user.pk,
        lambda: here.post(url, {"setup_view-current_step": "generator", "generator-token": code}),
    )
    assert terminated(messages)
    assert session_state(here) == (user.pk, True)
    assert not signed_in(older)


@pytest.mark.django_db
def test_first_backup_codes_close_sockets_and_end_other_sessions(
    owner: User, verified_client: Callable[..., Client], terminate_sent: Callable
) -> None:
    here, elsewhere = verified_client(owner), verified_client(owner)
    messages = terminate_sent(owner.pk, lambda: here.post("/account/reservecodes/"))
    assert terminated(messages)
    assert session_state(here) == (owner.pk, True)
    assert not signed_in(elsewhere)


@pytest.mark.django_db
def test_device_removal_closes_sockets_and_ends_every_session(
    owner: User, verified_client: Callable[..., Client], terminate_sent: Callable
) -> None:
    here, elsewhere = verified_client(owner), verified_client(owner)
    device = TOTPDevice.objects.get(user=owner)
    data = {"password": PASSWORD, "otp_token": totp_code(device)}
    messages = terminate_sent(
        owner.pk, lambda: here.post("/account/tweestapsverificatie/verwijderen/", data)
    )
    assert terminated(messages)
    assert not TOTPDevice.objects.filter(user=owner).exists()
    assert not signed_in(here)
    assert not signed_in(elsewhere)


@pytest.mark.django_db
def test_sign_out_everywhere_closes_sockets_and_ends_every_session(
    owner: User, verified_client: Callable[..., Client], terminate_sent: Callable
) -> None:
    here, elsewhere = verified_client(owner), verified_client(owner)
    messages = terminate_sent(owner.pk, lambda: here.post("/account/overal-afmelden/"))
    assert terminated(messages)
    assert not signed_in(here)
    assert not signed_in(elsewhere)


@pytest.mark.django_db
def test_admin_actions_on_someone_else_close_their_sockets(
    owner: User,
    make_user: Callable[..., User],
    verified_client: Callable[..., Client],
    terminate_sent: Callable,
) -> None:
    """Routes we did not write (the Django admin) are covered too: the rule is on the models."""
    admin = verified_client(make_user(is_staff=True, is_superuser=True))
    victim_session = verified_client(owner)
    messages = terminate_sent(
        owner.pk,
        lambda: admin.post(
            f"/django-admin/accounts/user/{owner.pk}/password/",
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        ),
    )
    assert terminated(messages)
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert not signed_in(victim_session)

    victim_session = verified_client(owner)
    device = TOTPDevice.objects.get(user=owner)
    messages = terminate_sent(
        owner.pk,
        lambda: admin.post(
            f"/django-admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}
        ),
    )
    assert terminated(messages)
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not signed_in(victim_session)


@pytest.mark.django_db
def test_ordinary_saves_send_nothing(owner: User, terminate_sent: Callable) -> None:
    """A sign-in (last_login) or a used code (last_t) is no reason to close anyone's sockets."""
    device = TOTPDevice.objects.get(user=owner)

    def sign_in() -> None:
        client = Client()
        client.post(
            "/account/aanmelden/",
            {
                "sign_in_view-current_step": "auth",
                "auth-username": owner.email,
                "auth-password": PASSWORD,
            },
        )
        client.post(
            "/account/aanmelden/",
            {"sign_in_view-current_step": "token", "token-otp_token": totp_code(device)},
        )
        assert session_state(client) == (owner.pk, True)

    assert not terminated(terminate_sent(owner.pk, sign_in))
