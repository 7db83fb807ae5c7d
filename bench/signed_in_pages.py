"""Signed-in pages through the production server: the dashboard and the case page on 10,000 cases.

    .venv/bin/python bench/signed_in_pages.py [--seconds 10] [--connections 8]

Issue 19's target: p50 <= 30 ms at 1 connection and >= 60 requests/s at 8 connections, for the
dashboard (``/samenwerking/``) and the case page (``/samenwerking/dossiers/<ref>/``).

What it does, all on 127.0.0.1:
1. seeds (once, then reused) the database ``vh_bench_cases`` of ``bench/case_dashboard.py``
   (10,000 cases) on the PostgreSQL server of DATABASE_URL;
2. starts ``docker/entrypoint.sh web`` (migrate as the owner, grant_app_role, collectstatic,
   uvicorn with WEB_CONCURRENCY workers, ``portal.settings.production``, DEBUG off) with the
   application connecting as the role ``vh_bench_app`` (made here if missing, no password:
   the local server trusts 127.0.0.1);
3. signs the coordinator in for real, in two steps (password, then the current TOTP code);
4. drives each page with 1 and then N keep-alive HTTP/1.1 connections for S seconds each (after
   a warm-up), the case page over 30 cases the coordinator sees; prints req/s, p50 and p99, a
   verdict per page and the 1-minute load average before and after (other work on a 2-CPU
   machine shows in the figures).

Every case-page request goes through the audited selector and writes its read record, as in
production: the figures include that INSERT.
"""

# Runs only our own fixed commands (manage.py, docker/entrypoint.sh) on our own files.
# ruff: noqa: S603, S607

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
HOST = "127.0.0.1"
DB_NAME = "vh_bench_cases"
APP_ROLE = "vh_bench_app"
PASSWORD = "bench-only-password-123"  # noqa: S105  (bench/case_dashboard.py's throwaway users)
WHO = "coord@bench.example"
SIGN_IN = "/account/aanmelden/"
TARGET_P50_MS = 30.0
TARGET_RPS = 60.0


@dataclass
class Result:
    page: str
    connections: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def seed_and_pick(server_url: str) -> tuple[list[str], str]:
    """Seed the bench database if needed (bench/case_dashboard.py), make the application role;
    return 30 case references the coordinator sees and the database URL."""
    import psycopg

    os.environ["DATABASE_URL"] = f"{server_url}/postgres"
    from bench import case_dashboard

    case_dashboard.prepare_database()  # creates, migrates; sets up Django (test settings)
    case_dashboard.seed()
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone():
            conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOINHERIT")
    from django.contrib.auth.hashers import make_password

    from collaboration.access import actor_profile, visible_cases
    from portal.accounts.models import User

    user = User.objects.get(email=WHO)
    # seeded under the test settings, whose first hasher (MD5) production does not know
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="argon2"))
    profile = actor_profile(user)
    refs = list(visible_cases(profile).order_by("pk").values_list("reference", flat=True)[:2000])
    return refs[::66][:30], f"{server_url}/{DB_NAME}"


def totp_code(email: str) -> str:
    from portal.accounts.demo import current_totp_code

    code = current_totp_code(email)
    if code is None:
        raise SystemExit(f"{email} has no TOTP device")
    return code


class Server:
    """``docker/entrypoint.sh web`` against the bench database."""

    def __init__(self, workdir: Path, database_url: str, workers: int) -> None:
        self.port = free_port()
        self.log = workdir / "server.log"
        parts = urllib.parse.urlsplit(database_url)
        app_url = urllib.parse.urlunsplit(
            parts._replace(netloc=f"{APP_ROLE}@{parts.hostname}:{parts.port}")
        )
        self.env = dict(os.environ)
        self.env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.production",
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(50),
            OPEN_BADGES_SIGNING_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
            ALLOWED_HOSTS=HOST,
            CSRF_TRUSTED_ORIGINS=f"http://{HOST}",
            SECURE_SSL_REDIRECT="false",  # loopback only; production sits behind TLS
            DATABASE_URL=app_url,
            MIGRATE_DATABASE_URL=database_url,
            STATIC_ROOT=str(workdir / "static"),
            MEDIA_ROOT=str(workdir / "media"),
            LOG_LEVEL="WARNING",
            PYTHON=PYTHON,
            HOST=HOST,
            PORT=str(self.port),
            WEB_CONCURRENCY=str(workers),
        )
        if self.env.get("REDIS_URL"):
            self.env["CACHE_KEY_PREFIX"] = f"bench-{secrets.token_hex(4)}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                ["bash", str(ROOT / "docker" / "entrypoint.sh"), "web"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"server exited early:\n{self.log.read_text()[-3000:]}")
            try:
                status, _headers, _body = asyncio.run(self._once("GET", "/healthz"))
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"server did not start; see {self.log}")

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # our own process group only
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    async def _once(
        self, method: str, path: str, cookies: dict[str, str] | None = None, body: str = ""
    ) -> tuple[int, bytes, bytes]:
        reader, writer = await asyncio.open_connection(HOST, self.port)
        try:
            writer.write(_request(method, path, cookies or {}, body))
            return await _response(reader)
        finally:
            writer.close()


def _request(method: str, path: str, cookies: dict[str, str], body: str = "") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "User-Agent: vh-bench"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    if method == "POST":
        lines += [
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body.encode())}",
            f"Origin: http://{HOST}",
        ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    headers = head.lower()
    chunks = []
    if b"transfer-encoding: chunked" in headers:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunks.append((await reader.readexactly(size + 2))[:-2])
            if size == 0:
                break
    else:
        length = 0
        for line in headers.split(b"\r\n"):
            if line.startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        chunks.append(await reader.readexactly(length))
    return status, head, b"".join(chunks)


def _set_cookies(head: bytes, jar: dict[str, str]) -> None:
    for line in head.decode("latin-1").split("\r\n"):
        if line.lower().startswith("set-cookie:"):
            name, _, rest = line.split(":", 1)[1].strip().partition("=")
            jar[name] = rest.split(";", 1)[0]


def _hidden(body: bytes, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"'.encode(), body) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"'.encode(), body
    )
    if not match:
        raise SystemExit(f"form field {name} not found")
    return match.group(1).decode()


async def sign_in(server: Server) -> dict[str, str]:
    """Password, then the current TOTP code, as a browser does; returns the cookie jar."""
    jar: dict[str, str] = {}
    status, head, body = await server._once("GET", SIGN_IN)
    _set_cookies(head, jar)
    form = {
        "csrfmiddlewaretoken": _hidden(body, "csrfmiddlewaretoken"),
        "sign_in_view-current_step": "auth",
        "auth-username": WHO,
        "auth-password": PASSWORD,
    }
    status, head, body = await server._once("POST", SIGN_IN, jar, urllib.parse.urlencode(form))
    _set_cookies(head, jar)
    if status != 200 or b"token-otp_token" not in body:
        raise SystemExit(f"password step: {status}, no code asked")
    for attempt in (1, 2):
        form = {
            "csrfmiddlewaretoken": _hidden(body, "csrfmiddlewaretoken"),
            "sign_in_view-current_step": "token",
            "token-otp_token": await asyncio.to_thread(totp_code, WHO),
        }
        status, head, body = await server._once("POST", SIGN_IN, jar, urllib.parse.urlencode(form))
        _set_cookies(head, jar)
        if status == 302:
            break
        if attempt == 1 and b"token-otp_token" in body:
            time.sleep(30.5 - time.time() % 30)  # this window's code counted already
            continue
        raise SystemExit(f"code step: {status}")
    status, _head, _body = await server._once("GET", "/samenwerking/", jar)
    if status != 200:
        raise SystemExit(f"signed in, but the dashboard answered {status}")
    return jar


async def _drive(
    port: int, paths: list[str], jar: dict[str, str], connections: int, seconds: float
) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds

    async def one(index: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(HOST, port)
        i = index
        try:
            while time.perf_counter() < stop_at:
                request = _request("GET", paths[i % len(paths)], jar)
                i += 1
                started = time.perf_counter()
                writer.write(request)
                status, _head, _body = await _response(reader)
                latencies.append((time.perf_counter() - started) * 1000)
                errors += status != 200
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(connections)))
    return latencies, errors, time.perf_counter() - started


def measure(
    page: str, port: int, paths: list[str], jar: dict[str, str], connections: int, seconds: float
) -> Result:
    asyncio.run(_drive(port, paths, jar, connections, 1.0))  # warm-up
    latencies, errors, elapsed = asyncio.run(_drive(port, paths, jar, connections, seconds))
    return Result(page, connections, len(latencies), errors, elapsed, latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server (its database is not used)")
    server_url = url.rsplit("/", 1)[0]
    refs, database_url = seed_and_pick(server_url)
    pages = {
        "dashboard": ["/samenwerking/"],
        "case page": [f"/samenwerking/dossiers/{ref}/" for ref in refs],
    }
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="vh-bench-signed-in-") as tmp:
        print(
            f"Starting docker/entrypoint.sh web ({args.workers} workers) on {DB_NAME} ...",
            flush=True,
        )
        with Server(Path(tmp), database_url, args.workers) as server:
            jar = asyncio.run(sign_in(server))
            load_before = os.getloadavg()[0]
            for page, paths in pages.items():
                for connections in (1, args.connections):
                    results.append(
                        measure(page, server.port, paths, jar, connections, args.seconds)
                    )
            load_after = os.getloadavg()[0]
    print(
        f"\n1-minute load average before the measurements {load_before:.1f}, after {load_after:.1f}, "
        f"on {os.cpu_count()} CPUs; {args.seconds:.0f} s per measurement, {args.workers} uvicorn "
        "workers, portal.settings.production (DEBUG off), coordinator signed in with password + TOTP\n"
    )
    print(
        f"{'page':<12}{'conns':>6}{'requests':>10}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
    )
    for r in results:
        print(
            f"{r.page:<12}{r.connections:>6}{r.requests:>10}{r.rps:>8.1f}{r.percentile(0.5):>9.1f}"
            f"{r.percentile(0.99):>9.1f}{r.errors:>8}"
        )
    print()
    for single, many in zip(results[::2], results[1::2], strict=True):
        ok = single.percentile(0.5) <= TARGET_P50_MS and many.rps >= TARGET_RPS
        print(
            f"{single.page}: p50 {single.percentile(0.5):.1f} ms at 1 connection, {many.rps:.1f} req/s "
            f"at {many.connections} ({'meets' if ok else 'MISSES'} the target: p50 <= "
            f"{TARGET_P50_MS:.0f} ms and >= {TARGET_RPS:.0f} req/s)"
        )
    print(
        f"median p50 over all runs {statistics.median(r.percentile(0.5) for r in results):.1f} ms"
    )


if __name__ == "__main__":
    main()
