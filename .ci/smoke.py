"""Production smoke test against a server started by docker/entrypoint.sh.

Checks: 200 on /, a redirect to sign-in for the collaboration area, a hashed static file with
far-future caching, security headers, and a WebSocket handshake refused without a verified session.

Addresses (the smoke test plays our reverse proxy from 127.0.0.1, TRUSTED_PROXIES in .ci/run, and
an outsider from 127.0.0.2): an outsider's X-Forwarded-Proto counts for nothing; through the
proxy the audit trail records the hop the proxy added, not the client's forged left part; twelve
wrong passwords from twelve addresses are followed by a refusal (the per-account throttle).

Database (SMOKE_APP_DATABASE_URL, the role the server connects as): the server's connections are
that role's; it can neither TRUNCATE, ALTER, disable triggers on nor rewrite the audit table.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import websockets

FORWARDED = {"X-Forwarded-Proto": "https"}  # TLS ends at the proxy in production


OUTSIDER = "127.0.0.2"  # any loopback address but the "proxy"'s


def get(
    base: str,
    path: str,
    headers: dict[str, str] | None = None,
    source: str | None = None,
    method: str = "GET",
    body: str | None = None,
) -> http.client.HTTPResponse:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=10, source_address=(source, 0) if source else None
    )
    conn.request(method, path, body=body, headers=FORWARDED if headers is None else headers)
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


def sign_in_attempt(base: str, email: str, password: str, forwarded_for: str):
    """One password step through the "proxy", with a client address it reports."""
    headers = {**FORWARDED, "X-Forwarded-For": forwarded_for}
    page = get(base, "/account/aanmelden/", headers=headers)
    cookies = SimpleCookie()
    for value in page.headers.get_all("Set-Cookie") or []:
        cookies.load(value)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body.decode())
    parts = urlsplit(base)
    origin = f"https://{parts.hostname}:{parts.port}"
    form = {
        "csrfmiddlewaretoken": token.group(1) if token else "",
        "sign_in_view-current_step": "auth",
        "auth-username": email,
        "auth-password": password,
    }
    return get(
        base,
        "/account/aanmelden/",
        method="POST",
        body=urlencode(form),
        headers={
            **headers,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={m.value}" for k, m in cookies.items()),
            "Origin": origin,
            "Referer": f"{origin}/account/aanmelden/",
        },
    )


def check_addresses(base: str, database_url: str | None) -> None:
    outsider = get(base, "/", headers=FORWARDED, source=OUTSIDER)
    check(
        outsider.status == 301 and outsider.headers.get("Location", "").startswith("https://"),
        f"an outsider's X-Forwarded-Proto is not believed (got {outsider.status}, redirect to https)",
    )
    email = f"smoke-{int(time.time())}@example.invalid"
    sign_in_attempt(base, email, "fout-wachtwoord-1", "203.0.113.66, 198.51.100.5")
    if database_url:
        import psycopg

        with psycopg.connect(database_url) as conn:
            row = conn.execute(
                "SELECT host(ip_address) FROM audit_auditevent WHERE actor_label = %s"
                " ORDER BY id DESC LIMIT 1",
                [email],
            ).fetchone()
        check(
            row is not None and row[0] == "198.51.100.5",
            f"the audit trail has the proxy's hop, not the forged left part (got {row})",
        )
    for n in range(12):
        sign_in_attempt(base, email, f"fout-wachtwoord-{n}", f"203.0.113.{n + 1}")
    last = sign_in_attempt(base, email, "nog-een-poging", "198.51.100.77")
    check(
        last.status == 429 and "Tijdelijk geblokkeerd" in last.body.decode(),
        f"after 12 wrong passwords from 12 addresses the account waits (got {last.status}, "
        f"Retry-After {last.headers.get('Retry-After')})",
    )


def check_database_role(database_url: str) -> None:
    import psycopg
    from psycopg import errors

    with psycopg.connect(database_url, autocommit=True) as conn:
        role = conn.execute("SELECT current_user").fetchone()[0]
        users = {
            name
            for (name,) in conn.execute(
                "SELECT DISTINCT usename FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND backend_type = 'client backend'"
            )
        }
        check(users == {role}, f"the server connects as the application role {role} ({users})")
        owner = conn.execute(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditevent'"
        ).fetchone()[0]
        check(owner != role, f"the audit table belongs to {owner}, not to {role}")
        for statement in (
            "TRUNCATE audit_auditevent",
            "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
            "ALTER TABLE audit_auditevent ADD COLUMN smoke integer",
            "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
            "SET session_replication_role = replica",
            "UPDATE audit_auditevent SET purpose = 'overschreven'",
            "DELETE FROM audit_auditevent",
            "CREATE TABLE smoke_owned (id integer)",
        ):
            try:
                conn.execute(statement)
                refused = False
            except errors.InsufficientPrivilege:
                refused = True
            check(refused, f"{role} may not: {statement}")
        count = conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0]
        check(count > 0, f"the audit trail is intact ({count} records)")


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
    database_url = os.environ.get("SMOKE_APP_DATABASE_URL")
    check_addresses(base, database_url)
    if database_url:
        check_database_role(database_url)
    print("smoke test passed")


if __name__ == "__main__":
    main(sys.argv[1])
