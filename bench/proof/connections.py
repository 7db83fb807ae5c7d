"""Connections: 64 concurrent signed-in requests plus live notes on a PostgreSQL limited to 100
connections (docker-compose.yml's limit, the private cluster's too), with zero errors and the
server connections within the pool's bound.

Shape: ``SERVERS`` production ASGI processes (compose's ``WEB_CONCURRENCY``, uvicorn with the
entrypoint's flags) and the task worker. The demo meeting's editors sign in for real, in two
steps (password, then the current TOTP code), and their sessions drive 64 closed-loop HTTP
clients (another process; 16 per server) over the case page, the dashboard and search for
``SECONDS``, while a few live-notes clients sit in the meeting over all servers and two of them
type. A monitor samples ``pg_stat_activity`` ten times a second (each process connects with its
own ``application_name``, so the figures are per process too).

Fails if any HTTP request is not answered 200, PostgreSQL refused a connection, an edit did not
reach every other notes client, or the peak of server connections exceeds the bound the
settings promise: per server process the pool's ``max_size`` plus the live-notes writer's own
connection, plus ``max_size`` each for the worker and this runner (portal/settings/base.py).

``PROOF_CONNECTIONS_CONCURRENCY``, ``_SERVERS``, ``_SECONDS`` and ``_PATHS`` change the shape;
``PROOF_CONNECTIONS_BASELINE=1`` runs the same against the old settings (no pool,
``CONN_MAX_AGE=60``) to show the failure this proof guards against; the checks then fail.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import threading
import time
from collections import Counter

import psycopg

from . import world
from .infra import MAX_CONNECTIONS, PYTHON, ROOT, Stack
from .notes_client import NotesClient
from .report import Report
from .web import Client, hidden_value, percentile

SERVERS = int(os.environ.get("PROOF_CONNECTIONS_SERVERS", "4"))
CONCURRENCY = int(os.environ.get("PROOF_CONNECTIONS_CONCURRENCY", "64"))
SECONDS = float(os.environ.get("PROOF_CONNECTIONS_SECONDS", "30"))
NOTES_CLIENTS = 8
WRITERS = 2
EDITS_PER_SECOND = 4.0  # per writer
SEARCH = "/zoeken/?q=geweld"
# PROOF_CONNECTIONS_PATHS=search (a comma list of case, dashboard, search) narrows the load.
PATHS = os.environ.get("PROOF_CONNECTIONS_PATHS", "case,dashboard,search").split(",")
SIGN_IN = "/account/aanmelden/"
BASELINE = os.environ.get("PROOF_CONNECTIONS_BASELINE") == "1"
APP_PREFIX = "vh-proof-"
TOKEN = re.compile(rb"c(\d)e(\d{5})")
REFUSED = "too many clients already"


def _pool_max_size(stack: Stack) -> int:
    """The servers' pool size: what portal/settings/base.py makes of the servers' environment.

    Read from the environment the servers get, not from this runner's settings (the runner uses
    no pool, see world.setup).
    """
    return int(stack.env().get("DB_POOL_MAX_SIZE", "10"))


def _totp_code(email: str) -> str:
    from portal.accounts.demo import current_totp_code

    code = current_totp_code(email)
    if code is None:
        raise RuntimeError(f"{email} has no TOTP device")
    return code


def sign_in(port: int, email: str) -> dict[str, str]:
    """The two-step sign-in as a browser does it; returns the signed-in cookie jar."""
    from portal.accounts.demo import DEMO_PASSWORD

    client = Client(port, timeout=30)
    page = client.get(SIGN_IN)
    if page.status != 200:
        raise RuntimeError(f"sign-in page answered {page.status}")
    step1 = client.post(
        SIGN_IN,
        {
            "csrfmiddlewaretoken": hidden_value(page.body, "csrfmiddlewaretoken"),
            "sign_in_view-current_step": "auth",
            "auth-username": email,
            "auth-password": DEMO_PASSWORD,
        },
    )
    if step1.status != 200 or "token-otp_token" not in step1.body:
        raise RuntimeError(f"password step for {email}: {step1.status}, no code asked")
    page = step1
    for attempt in (1, 2):
        step2 = client.post(
            SIGN_IN,
            {
                "csrfmiddlewaretoken": hidden_value(page.body, "csrfmiddlewaretoken"),
                "sign_in_view-current_step": "token",
                "token-otp_token": _totp_code(email),
            },
        )
        if step2.status == 302:
            break
        if attempt == 1 and step2.status == 200 and "token-otp_token" in step2.body:
            # This step's code was used already (a code counts once): wait for the next one.
            page = step2
            time.sleep(30.5 - time.time() % 30)
            continue
        raise RuntimeError(f"code step for {email}: {step2.status}")
    check = client.get("/samenwerking/")
    client.close()
    if check.status != 200:
        raise RuntimeError(f"{email} signed in but the dashboard answered {check.status}")
    return dict(client.cookies)


class Monitor:
    """Samples the server's client backends (all but its own) by application and state."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.samples: list[tuple[float, Counter[tuple[str, str]]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with psycopg.connect(self.url, autocommit=True, application_name="monitor") as conn:
            while not self._stop.is_set():
                rows = conn.execute(
                    "SELECT coalesce(application_name, ''), coalesce(state, ''), count(*) "
                    "FROM pg_stat_activity WHERE backend_type = 'client backend' "
                    "AND pid <> pg_backend_pid() GROUP BY 1, 2"
                ).fetchall()
                self.samples.append(
                    (time.monotonic(), Counter({(app, state): n for app, state, n in rows}))
                )
                self._stop.wait(0.1)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def between(self, start: float, end: float) -> list[Counter[tuple[str, str]]]:
        return [c for t, c in self.samples if start <= t <= end]

    def now(self) -> Counter[tuple[str, str]]:
        return self.samples[-1][1] if self.samples else Counter()


def _group(app: str) -> str:
    return app.removeprefix(APP_PREFIX) if app.startswith(APP_PREFIX) else "other"


def _totals(sample: Counter[tuple[str, str]]) -> Counter[str]:
    totals: Counter[str] = Counter()
    for (app, _state), n in sample.items():
        totals[_group(app)] += n
    return totals


async def _scenario(stack: Stack, report: Report) -> None:
    meeting = await asyncio.to_thread(world.live_meeting)
    editors: list[str] = meeting["editors"]
    case_page = f"/samenwerking/dossiers/{meeting['case']}/"
    cookie_name = await asyncio.to_thread(world.session_cookie_name)
    max_size = _pool_max_size(stack)
    old = {"DB_POOL": "false", "CONN_MAX_AGE": "60"} if BASELINE else {}
    servers = [
        stack.server(f"conn-{i}", PGAPPNAME=f"{APP_PREFIX}web-{i}", **old) for i in range(SERVERS)
    ]
    await asyncio.gather(*(asyncio.to_thread(s.start) for s in servers))
    worker = stack.start_worker("conn-worker", PGAPPNAME=f"{APP_PREFIX}worker", **old)
    log_offset = stack.postgres.logfile.stat().st_size

    jars = []
    for email in editors:
        jars.append(await asyncio.to_thread(sign_in, servers[0].port, email))
    report.figure(
        f"{len(jars)} editors of the demo meeting signed in (password + TOTP code); "
        f"{SERVERS} server processes, {'no pool, CONN_MAX_AGE=60 (baseline)' if BASELINE else f'pool max_size {max_size}'}"
    )

    # Live notes: a few clients in the demo meeting, over all servers; two of them type.
    sent_at: dict[tuple[int, int], float] = {}
    received: Counter[tuple[int, int]] = Counter()
    latencies: list[float] = []

    def on_update(_client: NotesClient, payload: bytes, now: float, sync_type: int) -> None:
        if sync_type != 2:
            return
        for writer, edit in TOKEN.findall(payload):
            key = (int(writer), int(edit))
            if key in sent_at:
                received[key] += 1
                latencies.append((now - sent_at[key]) * 1000)

    path = f"/ws/samenwerking/overleg/{meeting['id']}/notities"
    clients = []
    for i in range(NOTES_CLIENTS):
        ports = [s.port for s in servers[i % SERVERS :] + servers[: i % SERVERS]]
        session = jars[i % len(jars)][cookie_name]
        clients.append(
            NotesClient(f"c{i}", ports, path, f"{cookie_name}={session}", on_update=on_update)
        )
    for client in clients:
        client.start()
    t_join = time.monotonic()
    while not all(c.synced and c.can_edit for c in clients) and time.monotonic() - t_join < 30:
        await asyncio.sleep(0.2)
    joined = sum(c.synced for c in clients)
    report.figure(f"{joined}/{NOTES_CLIENTS} live-notes clients joined and synced")

    monitor = Monitor(stack.postgres.url("postgres"))
    monitor.start()
    await asyncio.sleep(1)
    before = _totals(monitor.now())

    config = {
        "clients": [
            {"port": servers[i % SERVERS].port, "cookies": jars[i % len(jars)]}
            for i in range(CONCURRENCY)
        ],
        "paths": [
            {"case": case_page, "dashboard": "/samenwerking/", "search": SEARCH}[p] for p in PATHS
        ],
        "seconds": SECONDS,
    }
    http = subprocess.Popen(  # noqa: S603
        [PYTHON, "-m", "bench.proof.connload", json.dumps(config)],
        cwd=ROOT,
        env=stack.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    t_load = time.monotonic()
    connects_before = sum(c.connects for c in clients)

    async def write(index: int, client: NotesClient) -> None:
        await asyncio.sleep(index / (EDITS_PER_SECOND * WRITERS))
        n = 0
        while time.monotonic() - t_load < SECONDS:
            sent_at[(index, n)] = time.perf_counter()
            client.type_at_end(f" c{index}e{n:05d}")
            n += 1
            await asyncio.sleep(1 / EDITS_PER_SECOND)

    await asyncio.gather(*(write(i, clients[i]) for i in range(WRITERS)))
    out, err = await asyncio.to_thread(http.communicate, timeout=SECONDS + 90)
    t_end = time.monotonic()
    await asyncio.sleep(3)  # the last relays; then the pools at rest
    reconnects = sum(c.connects for c in clients) - connects_before
    after = monitor.now()
    during = monitor.between(t_load, t_end)
    monitor.stop()
    for client in clients:
        await client.stop()
    worker.terminate()
    refused = stack.postgres.logfile.read_bytes()[log_offset:].decode(errors="replace")
    refused_count = refused.count(REFUSED)

    try:
        summary = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        summary = None
        report.figure(f"the HTTP load gave no summary: {err[-2000:]}")
    if summary:
        report.figure(
            f"HTTP: {summary['requests']} requests by {CONCURRENCY} concurrent clients in "
            f"{summary['seconds']:.1f} s = {summary['rps']:.1f} req/s; statuses "
            f"{summary['statuses']}; p50 {summary['p50_ms']:.0f} ms, p99 "
            f"{summary['p99_ms']:.0f} ms, max {summary['max_ms']:.0f} ms"
        )
        for p, figures in summary["by_path"].items():
            report.figure(
                f"   {p}: {figures['n']} requests, p50 {figures['p50_ms']:.0f} ms, "
                f"p99 {figures['p99_ms']:.0f} ms"
            )
        if summary["errors"]:
            report.figure(f"first errors: {summary['errors'][:3]}")

    totals = [_totals(s) for s in during]
    peak_total = max((sum(t.values()) for t in totals), default=0)
    peak_at = next(
        (t - t_load for t, c in monitor.samples if t >= t_load and sum(c.values()) == peak_total),
        float("nan"),
    )
    groups = sorted({g for t in totals for g in t})
    peak_by = {g: max(t[g] for t in totals) for g in groups}
    bound = SERVERS * (max_size + 1) + 2 * max_size
    report.figure(
        f"server connections: {sum(before.values())} before the load, peak {peak_total} during "
        f"it, first reached {peak_at:.1f} s into it (bound {bound} = {SERVERS} x ({max_size} + 1) + 2 x {max_size}; "
        f"max_connections {MAX_CONNECTIONS}); {len(during)} samples"
    )
    report.figure("   peak per process: " + ", ".join(f"{g} {n}" for g, n in peak_by.items()))
    after_idle = sum(n for (_app, state), n in after.items() if state == "idle")
    report.figure(
        f"3 s after the load: {sum(after.values())} connections, {after_idle} idle "
        f"({', '.join(f'{g} {n}' for g, n in sorted(_totals(after).items()))})"
    )
    keys = list(sent_at)
    short = [k for k in keys if received[k] < NOTES_CLIENTS - 1]
    if latencies:
        report.figure(
            f"live notes: {len(keys)} edits by {WRITERS} writers relayed to "
            f"{sum(received.values())}/{len(keys) * (NOTES_CLIENTS - 1)} receivers; fan-out p50 "
            f"{percentile(latencies, 50):.0f} ms, p99 {percentile(latencies, 99):.0f} ms"
        )

    report.check(joined == NOTES_CLIENTS, f"all {NOTES_CLIENTS} live-notes clients joined")
    report.check(
        summary is not None and summary["requests"] > 0 and set(summary["statuses"]) == {"200"},
        f"every signed-in request answered 200 ({summary['statuses'] if summary else 'no summary'})",
    )
    report.check(refused_count == 0, f"PostgreSQL refused no connection ({refused_count} refusals)")
    report.check(
        peak_total <= bound, f"peak server connections {peak_total} within the bound {bound}"
    )
    per_server = max((peak_by.get(f"web-{i}", 0) for i in range(SERVERS)), default=0)
    report.check(
        per_server <= max_size + 1,
        f"no server process above max_size + 1 = {max_size + 1} connections (peak {per_server})",
    )
    report.check(
        not short and bool(keys),
        f"every edit reached every other notes client ({len(short)} of {len(keys)} short)",
    )
    report.check(
        reconnects == 0 and all(c.final_close is None for c in clients),
        f"no notes client dropped or refused ({reconnects} reconnects)",
    )


def connections(stack: Stack) -> Report:
    report = Report(
        f"Connections: {CONCURRENCY} concurrent signed-in requests + live notes on "
        f"{SERVERS} processes, PostgreSQL max_connections {MAX_CONNECTIONS}"
        + (" (baseline: old settings)" if BASELINE else "")
    )
    asyncio.run(_scenario(stack, report))
    return report
