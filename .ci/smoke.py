"""Production smoke test against a server started by docker/entrypoint.sh.

Checks: 200 on /, a redirect to sign-in for the collaboration area, a hashed static file with
far-future caching, security headers, and a WebSocket handshake refused without a verified session.
"""

from __future__ import annotations

import asyncio
import http.client
import re
import sys
import time
from urllib.parse import urlsplit

import websockets

FORWARDED = {"X-Forwarded-Proto": "https"}  # TLS ends at the proxy in production


def get(base: str, path: str) -> http.client.HTTPResponse:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", path, headers=FORWARDED)
    response = conn.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    conn.close()
    return response


def wait_until_up(base: str, seconds: int = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if get(base, "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit("server did not come up")


def check(condition: bool, label: str) -> None:
    print(("ok   " if condition else "FAIL ") + label)
    if not condition:
        raise SystemExit(1)


async def websocket_refused(base: str) -> bool:
    parts = urlsplit(base)
    url = f"ws://{parts.hostname}:{parts.port}/ws/samenwerking/"
    try:
        async with websockets.connect(
            url, origin=f"https://{parts.hostname}", additional_headers=FORWARDED, open_timeout=10
        ):
            return False
    except websockets.exceptions.InvalidStatus as error:
        return error.response.status_code == 403


def main(base: str) -> None:
    wait_until_up(base)
    home = get(base, "/")
    check(home.status == 200, f"GET / answers 200 (got {home.status})")
    html = home.body.decode()  # type: ignore[attr-defined]
    for header in (
        "Strict-Transport-Security",
        "Content-Security-Policy",
        "X-Frame-Options",
        "Referrer-Policy",
        "Permissions-Policy",
    ):
        check(header in home.headers, f"{header} header present")
    check(
        "'unsafe-inline'" not in home.headers["Content-Security-Policy"],
        "CSP forbids inline script",
    )
    check(home.headers["X-Frame-Options"] == "DENY", "X-Frame-Options is DENY")

    area = get(base, "/samenwerking/")
    location = area.headers.get("Location", "")
    check(
        area.status == 302 and "/account/aanmelden/" in location,
        f"/samenwerking/ redirects to sign-in (got {area.status} {location})",
    )

    match = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)
    check(match is not None, "home page links a hashed stylesheet")
    static = get(base, match.group(1))
    cache = static.headers.get("Cache-Control", "")
    check(
        static.status == 200 and "max-age=315360000" in cache and "immutable" in cache,
        f"hashed static file served with far-future caching ({cache})",
    )

    check(
        asyncio.run(websocket_refused(base)),
        "WebSocket handshake refused without a verified session",
    )
    print("smoke test passed")


if __name__ == "__main__":
    main(sys.argv[1])
