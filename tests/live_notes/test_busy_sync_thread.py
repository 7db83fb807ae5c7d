"""Sockets are not held up by the process's thread for synchronous code.

Every synchronous view of a server process runs in one thread (asgiref's ``thread_sensitive``).
Channels' own ``dispatch`` hops to that thread before each incoming message, so under HTTP load
every keystroke waited behind whole page requests (``make proof``: fan-out p99 2.4-2.9 s). These
tests hold that thread busy, as a slow page would, and expect the sockets to answer anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator

import pytest
from asgiref.sync import sync_to_async

from collaboration.consumers import AuthenticatedConsumer
from tests.security.socket_routes import communicator, mounted_websocket_routes

from .world import YClient, build_world, session_cookie, signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def world():
    return await sync_to_async(build_world)()


@contextlib.asynccontextmanager
async def sync_thread_held() -> AsyncIterator[None]:
    """The thread of synchronous views blocked until the block ends (a page that takes long)."""
    release, started = threading.Event(), threading.Event()

    def slow_page() -> None:
        started.set()
        release.wait(timeout=60)

    blocker = asyncio.ensure_future(sync_to_async(slow_page, thread_sensitive=True)())
    while not started.is_set():
        await asyncio.sleep(0.01)
    try:
        yield
    finally:
        release.set()
        await blocker


def _consumer_classes() -> list[type]:
    from portal.asgi import application

    found: list[type] = []

    def walk(app) -> None:
        from channels.routing import URLRouter

        if isinstance(app, URLRouter):
            for route in app.routes:
                callback = route.callback
                if isinstance(callback, URLRouter):
                    walk(callback)
                else:
                    found.append(callback.consumer_class)
            return
        walk(getattr(app, "application", None) or app.inner)

    walk(application.application_mapping["websocket"])
    assert len(found) == len(mounted_websocket_routes())
    return found


def test_every_mounted_consumer_dispatches_without_the_sync_thread_hop() -> None:
    assert "dispatch" in vars(AuthenticatedConsumer), "the base keeps Channels' dispatch"
    for consumer in _consumer_classes():
        assert issubclass(consumer, AuthenticatedConsumer), consumer
        assert consumer.dispatch is AuthenticatedConsumer.dispatch, (
            f"{consumer.__name__} overrides dispatch again"
        )


async def test_the_presence_socket_answers_while_a_page_holds_the_sync_thread(world) -> None:
    cookie = await sync_to_async(lambda: session_cookie(signed_in_client(world.partner)))()
    comm = communicator("/ws/samenwerking/", cookie=cookie)
    connected, _code = await comm.connect(timeout=10)
    assert connected
    async with sync_thread_held():
        await comm.send_json_to({"type": "ping"})
        assert await comm.receive_json_from(timeout=5) == {"type": "pong"}
    await comm.disconnect()


@pytest.mark.postgresql
async def test_an_edit_reaches_the_others_while_a_page_holds_the_sync_thread(world) -> None:
    """On PostgreSQL the write path has its own connection: stored, audited and relayed with
    the sync thread busy. (On SQLite the write itself needs that thread.)"""

    async def joined(user) -> YClient:
        cookie = await sync_to_async(lambda: session_cookie(signed_in_client(user)))()
        from portal.asgi import application

        client = YClient(application, world.meeting.pk, cookie)
        connected, code = await client.connect()
        assert connected, code
        await client.pump()
        return client

    ria = await joined(world.director)
    pieter = await joined(world.partner)
    await ria.pump()
    async with sync_thread_held():
        await ria.type("Veilig")
        assert await pieter.until(lambda: pieter.value == "Veilig", timeout=10)
    await ria.close()
    await pieter.close()
