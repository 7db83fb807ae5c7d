"""Fan-out latency of the live meeting notes, against the reference Yjs server.

N clients join one meeting spread over two uvicorn processes (channels-redis between them,
PostgreSQL behind), one writer makes 20 edits a second, and every other client records when
each edit reaches its document. The same pycrdt client then runs against the reference server
``@y/websocket-server`` 0.1.1 (bench/yws; no sign-in, audit or persistence). Prints p50, p95,
p99 and lost edits for each, and the p99 ratio.

Only 127.0.0.1 is contacted. Needs DATABASE_URL (PostgreSQL) and REDIS_URL; creates and drops its
own database ``<name>_bench_live``. Environment: LIVE_NOTES_BENCH_N (default "30,100"),
LIVE_NOTES_BENCH_SECONDS (default 10), LIVE_NOTES_BENCH_LAYER ("core" for the list layer instead of Pub/Sub),
LIVE_NOTES_BENCH_SETTLE (seconds between the last join and the first edit, default 3).
``make bench`` runs it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATE = 20  # edits per second
SETTLE = float(os.environ.get("LIVE_NOTES_BENCH_SETTLE", "3"))  # last join -> first edit, s
TOKEN = 7  # every edit appends "000123|"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - 127.0.0.1 only
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def _measure(urls: list[str], writer_url: str, n: int, seconds: float, **auth) -> dict:
    from tests.live_notes.netclient import NetClient

    sent: list[float] = []
    latencies: list[float] = []
    seen: dict[int, int] = {}

    def on_remote(client: NetClient) -> None:
        count = len(client.value) // TOKEN
        now = time.perf_counter()
        for index in range(seen.get(id(client), 0), min(count, len(sent))):
            latencies.append(now - sent[index])
        seen[id(client)] = max(seen.get(id(client), 0), min(count, len(sent)))

    def make(url: str, who: str) -> NetClient:
        cookie = auth.get(f"{who}_cookie")
        host = urllib.parse.urlsplit(url).netloc
        return NetClient(url, cookie=cookie, origin=f"http://{host}" if cookie else None)

    readers = [make(urls[i % len(urls)], "reader") for i in range(n - 1)]
    writer = make(writer_url, "writer")
    for client in [*readers, writer]:
        await client.connect()
    await asyncio.wait_for(
        asyncio.gather(*(c.synced.wait() for c in [*readers, writer])), timeout=120
    )
    for client in readers:
        seen[id(client)] = len(client.value) // TOKEN
        client.on_remote = on_remote
    await asyncio.sleep(SETTLE)
    total = int(seconds * RATE)
    started = time.perf_counter()
    for index in range(total):
        target = started + index / RATE
        await asyncio.sleep(max(0.0, target - time.perf_counter()))
        sent.append(time.perf_counter())
        await writer.append(f"{index:06d}|")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(seen[id(c)] < total for c in readers):
        await asyncio.sleep(0.05)
    lost = sum(total - seen[id(c)] for c in readers)
    for client in [*readers, writer]:
        await client.close()
    return {
        "n": n,
        "edits": total,
        "deliveries": len(latencies),
        "p50": _percentile(latencies, 50) * 1000,
        "p95": _percentile(latencies, 95) * 1000,
        "p99": _percentile(latencies, 99) * 1000,
        "max": max(latencies, default=float("nan")) * 1000,
        "lost": lost,
    }


def _consistent(r: dict) -> bool:
    return r["deliveries"] + r["lost"] == (r["n"] - 1) * r["edits"]


def _line(name: str, r: dict) -> str:
    return (
        f"{name:<28} N={r['n']:<4} edits={r['edits']:<4} deliveries={r['deliveries']:<6} "
        f"p50={r['p50']:7.1f} ms  p95={r['p95']:7.1f} ms  p99={r['p99']:7.1f} ms  "
        f"max={r['max']:7.1f} ms  lost={r['lost']}"
    )


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        print("skipped: needs DATABASE_URL (PostgreSQL) and REDIS_URL")
        return 0
    if not shutil.which("node") or not (ROOT / "bench/yws/node_modules").exists():
        print("note: reference server missing (cd bench/yws && npm ci); comparing is skipped")
    sizes = [int(x) for x in os.environ.get("LIVE_NOTES_BENCH_N", "30,100").split(",")]
    seconds = float(os.environ.get("LIVE_NOTES_BENCH_SECONDS", "10"))

    parts = urllib.parse.urlsplit(database_url)
    bench_db = f"{parts.path.lstrip('/') or 'vh'}_bench_live"
    bench_url = urllib.parse.urlunsplit(parts._replace(path=f"/{bench_db}"))
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    layer = "list" if os.environ.get("LIVE_NOTES_BENCH_LAYER") == "core" else "Pub/Sub"
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.settings.live_notes",
        DATABASE_URL=bench_url,
        CHANNEL_PREFIX="vhbench",
        CONN_MAX_AGE="60",
    )
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
        admin.execute(f'CREATE DATABASE "{bench_db}"')
    processes: list[subprocess.Popen] = []
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        os.environ.update(env)
        import django

        django.setup()
        from django.conf import settings

        from tests.live_notes.world import build_world, session_cookie, signed_in_client

        cookie = settings.SESSION_COOKIE_NAME

        def meeting_for(n: int) -> tuple[str, str, str]:
            """A fresh fictional case and meeting per run, so every run starts from empty notes."""
            world = build_world(prefix=f"b{n}-")
            reader = f"{cookie}={session_cookie(signed_in_client(world.partner))}"
            writer = f"{cookie}={session_cookie(signed_in_client(world.director))}"
            return f"/ws/samenwerking/overleg/{world.meeting.pk}/notities", reader, writer

        ports = [_free_port(), _free_port()]
        for port in ports:
            processes.append(
                subprocess.Popen(  # noqa: S603
                    [
                        sys.executable,
                        "-m",
                        "uvicorn",
                        "portal.asgi:application",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--lifespan",
                        "off",
                        "--log-level",
                        "warning",
                    ],
                    cwd=ROOT,
                    env=env,
                )
            )
        for port in ports:
            _wait_http(f"http://127.0.0.1:{port}/healthz")

        ref_port = _free_port()
        reference = None
        if shutil.which("node") and (ROOT / "bench/yws/node_modules").exists():
            reference = subprocess.Popen(
                ["node", "node_modules/@y/websocket-server/src/server.js"],  # noqa: S607
                cwd=ROOT / "bench/yws",
                env=dict(os.environ, HOST="127.0.0.1", PORT=str(ref_port)),
                stdout=subprocess.DEVNULL,
            )
            processes.append(reference)
            _wait_http(f"http://127.0.0.1:{ref_port}/")

        print(
            f"one writer at {RATE} edits/s for {seconds:.0f} s, {SETTLE:.0f} s after the last join"
        )
        print(
            f"ours: 2 uvicorn processes, channels-redis ({layer} layer), PostgreSQL "
            "(append + audit per edit)"
        )
        failed = False
        for n in sizes:
            path, reader_cookie, writer_cookie = meeting_for(n)
            ours_urls = [f"ws://127.0.0.1:{port}{path}" for port in ports]
            ours = asyncio.run(
                _measure(
                    ours_urls,
                    ours_urls[0],
                    n,
                    seconds,
                    reader_cookie=reader_cookie,
                    writer_cookie=writer_cookie,
                )
            )
            print(_line("Veilig Huis live notes", ours), flush=True)
            failed |= not _consistent(ours)
            if reference is not None:
                room = f"ws://127.0.0.1:{ref_port}/bench-room-{n}"
                ref = asyncio.run(_measure([room], room, n, seconds))
                print(_line("@y/websocket-server 0.1.1", ref), flush=True)
                failed |= not _consistent(ref)
                print(f"{'':<28} p99 ratio ours/reference = {ours['p99'] / ref['p99']:.2f}")
        if failed:
            print("inconsistent counts: deliveries + lost != (N - 1) x edits")
            return 1
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
