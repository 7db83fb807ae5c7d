"""The WebSocket Origin check compares scheme, host and port (issue 12, item 8).

Channels' ``AllowedHostsOriginValidator`` compared the host only: ``https://127.0.0.1:1`` was
accepted for a site on ``http://127.0.0.1:8000``. The class test opens *every* route mounted in
``portal.asgi`` (found by walking the application) with a participant's verified session and
each wrong origin; every one must be refused before the consumer, and the page's own origin
accepted (so the refusals are about the origin, not the session).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers

from portal.security.websocket import origin_is_allowed
from tests.live_notes.world import build_world, session_cookie, signed_in_client

from .socket_routes import communicator, mounted_websocket_routes, route_path

WRONG_ORIGINS = {
    "wrong port": b"http://testserver:1",
    "explicit other port": b"http://testserver:8000",
    "wrong scheme": b"https://testserver",
    "wrong scheme, default port spelled out": b"https://testserver:80",
    "other host": b"http://evil.example",
    "subdomain": b"http://a.testserver",
    "host as a prefix": b"http://testserver.evil.example",
    "opaque origin": b"null",
    "with a path": b"http://testserver/samenwerking/",
    "with credentials": b"http://user@testserver",
    "not http": b"ws://testserver",
}


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> Iterator[None]:
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def setup(transactional_db: None) -> dict:
    world = build_world()
    return {
        "values": {"meeting_id": world.meeting.pk},
        "cookie": session_cookie(signed_in_client(world.partner)),
    }


async def _connects(path: str, cookie: str, **kwargs) -> bool:
    comm = communicator(path, cookie=cookie, **kwargs)
    connected, _code = await comm.connect(timeout=5)
    await comm.disconnect()
    return connected


@pytest.mark.django_db(transaction=True)
async def test_every_socket_route_refuses_a_wrong_origin(setup) -> None:
    routes = await sync_to_async(mounted_websocket_routes)()
    accepted: dict[str, list[str]] = {}
    for route in routes:
        path = route_path(route, setup["values"])
        assert await _connects(path, setup["cookie"]), f"{route}: own origin refused"
        for name, origin in WRONG_ORIGINS.items():
            if await _connects(path, setup["cookie"], origin=origin):
                accepted.setdefault(route, []).append(name)
        if await _connects(path, setup["cookie"], origin=None):
            accepted.setdefault(route, []).append("no origin")
        two = [(b"origin", b"http://evil.example")]
        if await _connects(path, setup["cookie"], extra_headers=two):
            accepted.setdefault(route, []).append("two origins")
    assert accepted == {}


def _scope(origin: str | None, host: str = "testserver", scheme: str = "ws", **headers: str):
    raw = [(b"host", host.encode())]
    if origin is not None:
        raw.append((b"origin", origin.encode()))
    raw += [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]
    return {"type": "websocket", "scheme": scheme, "headers": raw}


def test_ws_maps_to_http_and_wss_to_https_with_default_ports() -> None:
    assert origin_is_allowed(_scope("http://testserver"))
    assert origin_is_allowed(_scope("http://testserver:80"))
    assert origin_is_allowed(_scope("http://TESTSERVER"))
    assert not origin_is_allowed(_scope("https://testserver"))
    assert origin_is_allowed(_scope("https://testserver", scheme="wss"))
    assert origin_is_allowed(_scope("https://testserver:443", scheme="wss"))
    assert not origin_is_allowed(_scope("http://testserver", scheme="wss"))
    assert origin_is_allowed(_scope("http://127.0.0.1:8912", host="127.0.0.1:8912"))
    assert not origin_is_allowed(_scope("http://127.0.0.1:1", host="127.0.0.1:8912"))
    assert not origin_is_allowed(_scope("https://127.0.0.1:1", host="127.0.0.1:8912"))


def test_the_host_itself_must_be_allowed() -> None:
    """A rebound DNS name sends its own Host and Origin; they match, but the host is not ours."""
    assert not origin_is_allowed(_scope("http://rebound.example", host="rebound.example"))


def test_behind_the_tls_proxy_the_forwarded_scheme_counts(settings) -> None:
    """As for Django's own CSRF check: with SECURE_PROXY_SSL_HEADER the proxy says https; only
    our proxy (TRUSTED_PROXIES), not any client sending the header."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["10.0.0.2"]

    def via(peer: str, origin: str) -> dict:
        return {**_scope(origin, x_forwarded_proto="https"), "client": (peer, 50000)}

    assert origin_is_allowed(via("10.0.0.2", "https://testserver"))
    assert not origin_is_allowed(via("10.0.0.2", "http://testserver"))
    assert not origin_is_allowed(via("198.51.100.7", "https://testserver"))  # a client's claim
    settings.SECURE_PROXY_SSL_HEADER = None
    assert not origin_is_allowed(via("10.0.0.2", "https://testserver"))


def test_csrf_trusted_origins_are_trusted_with_their_port(settings) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://portaal.example", "https://*.veilighuis.example"]
    assert origin_is_allowed(_scope("https://portaal.example"))
    assert origin_is_allowed(_scope("https://portaal.example:443"))
    assert not origin_is_allowed(_scope("https://portaal.example:8443"))
    assert not origin_is_allowed(_scope("http://portaal.example"))
    assert origin_is_allowed(_scope("https://oost.veilighuis.example"))
    assert not origin_is_allowed(_scope("https://veilighuis.example.evil"))
    assert not origin_is_allowed(_scope("http://oost.veilighuis.example"))
