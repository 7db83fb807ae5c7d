"""Every WebSocket route mounted in ``portal.asgi``, found by walking the application (not from
a list someone has to keep up to date), and what the class tests need to open one.

A route with a parameter this module has no value for fails the class tests with a message
saying so, so a new kind of route cannot slip by untested.
"""

from __future__ import annotations

import re
from typing import Any

from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings

_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def mounted_websocket_routes() -> list[str]:
    """The route patterns of every URL router inside ``portal.asgi``'s WebSocket stack."""
    from portal.asgi import application

    routes: list[str] = []

    def walk(app: Any, prefix: str, depth: int) -> None:
        assert depth < 30, "WebSocket stack too deep to walk"
        if isinstance(app, URLRouter):
            for route in app.routes:
                pattern = prefix + str(route.pattern)
                if isinstance(route.callback, URLRouter):
                    walk(route.callback, pattern, depth + 1)
                else:
                    routes.append(pattern)
            return
        inner = getattr(app, "application", None) or getattr(app, "inner", None)
        assert inner is not None, f"no URLRouter below {type(app).__name__}"
        walk(inner, prefix, depth + 1)

    walk(application.application_mapping["websocket"], "", 0)
    assert routes, "no WebSocket route found in portal.asgi"
    return routes


def route_path(route: str, values: dict[str, Any]) -> str:
    """``route`` with its parameters filled in from ``values`` (keyed by parameter name)."""

    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        assert name in values, f"route {route!r}: no test value for <{name}>; add one"
        return str(values[name])

    return "/" + _PARAMETER.sub(fill, route)


def communicator(
    path: str,
    *,
    cookie: str | None,
    origin: bytes | None = b"http://testserver",
    extra_headers: list[tuple[bytes, bytes]] | None = None,
) -> WebsocketCommunicator:
    from portal.asgi import application

    headers = [(b"host", b"testserver")]
    if origin is not None:
        headers.append((b"origin", origin))
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    headers += extra_headers or []
    return WebsocketCommunicator(application, path, headers=headers)


async def close_code(comm: WebsocketCommunicator, timeout: float = 5.0) -> int | None:
    """Read what the socket sends until it closes: its close code, or None if it is still open
    after ``timeout`` (the application keeps running: ``receive_output`` timing out would
    cancel it)."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if await comm.receive_nothing(timeout=0.02, interval=0.005):
            continue
        output = await comm.receive_output(timeout=1)
        if output["type"] == "websocket.close":
            return output.get("code", 1000)
    return None
