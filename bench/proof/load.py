"""Load: 200 live-notes clients over 2 ASGI processes (100 each, one Redis) in 20 meetings of 10
(each meeting split over both processes), one writer per meeting typing 1 edit/s (20 edits/s in
all, the rate of the reference measurements in STACK-NOTES), plus HTTP load on public pages and
the collaboration dashboard (4 threads, closed loop, from another process) for 60 seconds. A
background worker runs as in production. For comparison, a 20-second phase without HTTP load
comes first, and a 30-second phase with the HTTP load on a third process of its own comes last.

Fan-out latency: from a writer's send to a receiver applying the relayed update (both in this
process, one clock, so client-side delays count too); every edit must reach every other client
of its meeting through the relay, not only through the periodic resync.

Why not 200 people in one meeting: awareness renewals alone (every client every 15 s, echoed to
the whole meeting) grow with the square of the meeting size. Measured here with 200 clients in
one meeting and 20 edits/s: the relay fell 30+ s behind and most edits arrived only by resync.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time

from . import world
from .infra import PYTHON, ROOT, Stack
from .notes_client import NotesClient
from .report import Report
from .web import percentile

MEETINGS = 20
PER_MEETING = 10
CLIENTS = MEETINGS * PER_MEETING
EDITS_PER_SECOND = float(os.environ.get("PROOF_EDITS_PER_SECOND", "1"))  # per meeting
SECONDS = 60
HTTP_THREADS = 4
ALONE_SECONDS = 20
ELSEWHERE_SECONDS = 30
# PROOF_HTTP_DASHBOARD=0 leaves the dashboard out of the HTTP load (to tell its cost apart).
WITH_DASHBOARD = os.environ.get("PROOF_HTTP_DASHBOARD", "1") != "0"
# Typing that shows up at the others more than this late no longer feels live
# (PROOF_FANOUT_P99_MS changes the limit).
FAN_OUT_P99_LIMIT_MS = float(os.environ.get("PROOF_FANOUT_P99_MS", "2000"))
TOKEN = re.compile(rb"m(\d\d)e(\d{5})")


async def _scenario(stack: Stack, report: Report) -> None:
    meeting = await asyncio.to_thread(world.live_meeting)
    meeting_ids = await asyncio.to_thread(world.load_meetings, MEETINGS)
    editors = meeting["editors"]
    cookie_name = await asyncio.to_thread(world.session_cookie_name)

    def make_sessions() -> list[str]:
        return [world.verified_session(editors[i % len(editors)]) for i in range(CLIENTS)]

    sessions = await asyncio.to_thread(make_sessions)
    dashboard_session = await asyncio.to_thread(
        world.verified_session, "coordinator@veilighuis.example"
    )
    public = await asyncio.to_thread(world.public_paths, 4)
    a, b = stack.server("load-a"), stack.server("load-b")
    await asyncio.gather(asyncio.to_thread(a.start), asyncio.to_thread(b.start))
    worker = stack.start_worker("load-worker")

    sent_at: dict[tuple[int, int], tuple[str, float]] = {}
    latencies: dict[str, list[float]] = {"alone": [], "with_http": [], "http_elsewhere": []}
    received: dict[tuple[int, int], int] = {}
    via_resync = 0

    def on_update(client: NotesClient, payload: bytes, now: float, sync_type: int) -> None:
        nonlocal via_resync
        for writer, edit in TOKEN.findall(payload):
            key = (int(writer), int(edit))
            sent = sent_at.get(key)
            if sent is None:
                continue
            if sync_type == 2:  # a relayed update
                latencies[sent[0]].append((now - sent[1]) * 1000)
                received[key] = received.get(key, 0) + 1
            else:
                via_resync += 1

    clients = []
    for i in range(CLIENTS):
        ports = [a.port, b.port] if i % 2 == 0 else [b.port, a.port]
        path = f"/ws/samenwerking/overleg/{meeting_ids[i // PER_MEETING]}/notities"
        clients.append(
            NotesClient(
                f"l{i:03d}", ports, path, f"{cookie_name}={sessions[i]}", on_update=on_update
            )
        )
    t_join = time.monotonic()
    for i, client in enumerate(clients):
        client.start()
        if i % 10 == 9:
            await asyncio.sleep(0.25)
    try:
        await asyncio.wait_for(asyncio.gather(*(c.connected.wait() for c in clients)), 60)
        while not all(c.synced for c in clients) and time.monotonic() - t_join < 90:
            await asyncio.sleep(0.2)
    except TimeoutError:
        pass
    joined = sum(c.connected.is_set() and c.synced for c in clients)
    join_seconds = time.monotonic() - t_join
    report.figure(f"{joined}/{CLIENTS} clients connected and synced in {join_seconds:.1f} s")
    await asyncio.sleep(3)
    counters = {"n": 0}

    async def write(phase: str, seconds: float, writer_index: int, client: NotesClient) -> None:
        interval = 1 / EDITS_PER_SECOND
        await asyncio.sleep(writer_index * interval / MEETINGS)  # spread the writers' ticks
        started = time.monotonic()
        ticks = 0
        while time.monotonic() - started < seconds:
            n = counters["n"]
            counters["n"] += 1
            sent_at[(writer_index, n)] = (phase, time.perf_counter())
            client.type_at_end(f" m{writer_index:02d}e{n:05d}")
            ticks += 1
            await asyncio.sleep(max(0, started + ticks * interval - time.monotonic()))

    async def phase(name: str, seconds: float) -> float:
        t = time.monotonic()
        await asyncio.gather(
            *(write(name, seconds, m, clients[m * PER_MEETING]) for m in range(MEETINGS))
        )
        await asyncio.sleep(5)  # let the last relays arrive
        return time.monotonic() - t - 5

    # Phase 1, for comparison: the live notes alone.
    await phase("alone", ALONE_SECONDS)
    messages_before = sum(c.messages_in for c in clients)
    connects_before = sum(c.connects for c in clients)

    def http_load(ports: list[int], seconds: float) -> subprocess.Popen:
        config = {
            "ports": ports,
            "paths": [*public, "/samenwerking/"] if WITH_DASHBOARD else public,
            "cookies": {cookie_name: dashboard_session},
            "threads": HTTP_THREADS,
            "seconds": seconds,
        }
        return subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "bench.proof.httpload", json.dumps(config)],
            cwd=ROOT,
            env=stack.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    # Phase 2, the proof: the same plus HTTP load on the same two processes.
    http = http_load([a.port, b.port], SECONDS)
    load_seconds = await phase("with_http", SECONDS)
    messages = sum(c.messages_in for c in clients) - messages_before
    reconnects = sum(c.connects for c in clients) - connects_before
    out, err = await asyncio.to_thread(http.communicate, timeout=SECONDS + 60)

    # Phase 3, for comparison: the HTTP load on a third process of its own.
    third = stack.server("load-c")
    await asyncio.to_thread(third.start)
    elsewhere = http_load([third.port], ELSEWHERE_SECONDS)
    await phase("http_elsewhere", ELSEWHERE_SECONDS)
    out_elsewhere, _err = await asyncio.to_thread(
        elsewhere.communicate, timeout=ELSEWHERE_SECONDS + 60
    )
    for client in clients:
        await client.stop()
    worker.terminate()

    for name, label in (
        ("alone", "live notes alone"),
        ("with_http", "with HTTP load"),
        ("http_elsewhere", "HTTP load on a third process"),
    ):
        keys = [k for k, (p, _t) in sent_at.items() if p == name]
        short = [k for k in keys if received.get(k, 0) < PER_MEETING - 1]
        values = latencies[name]
        line = (
            f"{label}: {len(keys)} edits ({EDITS_PER_SECOND:g}/s in each of {MEETINGS} meetings), "
            f"relayed to {sum(received.get(k, 0) for k in keys)}/{len(keys) * (PER_MEETING - 1)} "
            f"receivers, {len(short)} edits short"
        )
        if values:
            line += (
                f"; fan-out p50 {percentile(values, 50):.1f} ms, p99 "
                f"{percentile(values, 99):.1f} ms, max {max(values):.1f} ms"
            )
        report.figure(line)
    keys = [k for k, (p, _t) in sent_at.items() if p == "with_http"]
    lost = [k for k in keys if received.get(k, 0) < PER_MEETING - 1]
    report.figure(
        f"with HTTP load: messages received by all clients {messages} "
        f"({messages / load_seconds:.0f}/s); edits seen only through resync {via_resync}"
    )
    try:
        summary = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        summary = None
        report.figure(f"HTTP load gave no summary: {err[-2000:]}")
    if summary:
        report.figure(
            f"HTTP: {summary['requests']} requests in {summary['seconds']:.1f} s = "
            f"{summary['rps']:.1f} req/s by {HTTP_THREADS} threads; statuses {summary['statuses']}; "
            f"p50 {summary['p50_ms']:.1f} ms, p99 {summary['p99_ms']:.1f} ms"
        )
        for p, figures in summary["by_path"].items():
            report.figure(
                f"   {p}: {figures['n']} requests, p50 {figures['p50_ms']:.1f} ms, "
                f"p99 {figures['p99_ms']:.1f} ms"
            )
    try:
        elsewhere_summary = json.loads(out_elsewhere.strip().splitlines()[-1])
        report.figure(
            f"HTTP on a third process: {elsewhere_summary['rps']:.1f} req/s, p50 "
            f"{elsewhere_summary['p50_ms']:.1f} ms, p99 {elsewhere_summary['p99_ms']:.1f} ms, "
            f"statuses {elsewhere_summary['statuses']}"
        )
    except (ValueError, IndexError):
        report.figure("HTTP load on the third process gave no summary")
    closes: dict[str, int] = {}
    for c in clients:
        for reason in c.closes:
            closes[reason] = closes.get(reason, 0) + 1
    if closes:
        report.figure(f"disconnects by reason: {closes}")
    report.check(
        joined == CLIENTS, f"all {CLIENTS} WebSocket clients connected and synced ({joined})"
    )
    report.check(
        reconnects == 0, f"no connection dropped during the load ({reconnects} reconnects)"
    )
    report.check(
        all(c.final_close is None for c in clients), "no client refused or ended by the server"
    )
    report.check(
        not lost,
        f"under HTTP load every edit reached every other client of its meeting through the "
        f"relay within 5 s of the end ({len(lost)} of {len(keys)} short)",
    )
    p99 = percentile(latencies["with_http"], 99)
    report.check(
        p99 < FAN_OUT_P99_LIMIT_MS,
        f"under HTTP load fan-out p99 below {FAN_OUT_P99_LIMIT_MS:.0f} ms (got {p99:.0f} ms)",
    )
    report.check(
        summary is not None and summary["requests"] > 0 and set(summary["statuses"]) == {"200"},
        f"every HTTP request answered 200 ({summary['errors'] if summary else 'no summary'})",
    )


def load(stack: Stack) -> Report:
    report = Report(
        f"Load: {CLIENTS} live-notes clients ({MEETINGS} meetings) on 2 processes + HTTP, {SECONDS} s"
    )
    asyncio.run(_scenario(stack, report))
    return report


if __name__ == "__main__":
    sys.exit("run through bench/proof/run.py")
