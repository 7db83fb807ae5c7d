"""WebSocket handshakes: refused when anonymous, unverified, expired or from a foreign origin."""

from __future__ import annotations

import time

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from portal.security.sessions import SEEN_AT_KEY
from portal.security.sockets import close_user_sockets

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/ws/samenwerking/"


def application():
    from portal.asgi import application as app

    return app


def communicator(
    client: Client | None = None, origin: bytes = b"http://testserver"
) -> WebsocketCommunicator:
    headers = [(b"origin", origin), (b"host", b"testserver")]
    if client is not None:
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(application(), PATH, headers=headers)


async def refused(comm: WebsocketCommunicator) -> bool:
    connected, _code = await comm.connect()
    await comm.disconnect()
    return not connected


async def test_anonymous_is_refused() -> None:
    assert await refused(communicator())


async def test_password_only_session_is_refused(make_user, make_device) -> None:
    from asgiref.sync import sync_to_async

    def setup() -> Client:
        user = make_user()
        make_device(user)
        client = Client()
        client.force_login(user)
        return client

    client = await sync_to_async(setup)()
    assert await refused(communicator(client))


async def test_verified_session_connects_and_gets_pong(verified_client) -> None:
    from asgiref.sync import sync_to_async

    client = await sync_to_async(verified_client)()
    comm = communicator(client)
    connected, _ = await comm.connect()
    assert connected
    await comm.send_json_to({"type": "ping"})
    assert await comm.receive_json_from() == {"type": "pong"}
    await comm.disconnect()


async def test_foreign_origin_is_refused_even_when_verified(verified_client) -> None:
    from asgiref.sync import sync_to_async

    client = await sync_to_async(verified_client)()
    assert await refused(communicator(client, origin=b"https://evil.example"))


async def test_expired_session_is_refused(verified_client) -> None:
    from asgiref.sync import sync_to_async

    def setup() -> Client:
        client = verified_client()
        session = client.session
        session[SEEN_AT_KEY] = int(time.time() - 31 * 60)
        session.save()
        return client

    client = await sync_to_async(setup)()
    assert await refused(communicator(client))


async def test_sign_out_closes_the_users_open_sockets(make_user, verified_client) -> None:
    from asgiref.sync import sync_to_async

    user = await sync_to_async(make_user)()
    client = await sync_to_async(verified_client)(user)
    comm = communicator(client)
    connected, _ = await comm.connect()
    assert connected
    await sync_to_async(close_user_sockets)(user.pk)
    output = await comm.receive_output(timeout=2)
    assert output["type"] == "websocket.close"
    assert output["code"] == 4403
