"""Load: 200 live-notes clients over 2 ASGI processes (100 each, one meeting, one Redis) with two
of them typing 10 edits/s each, plus HTTP load on public pages and the collaboration dashboard
from another process, for 60 seconds. A background worker runs as in production.

Fan-out latency: from a writer's send to a receiver applying the relayed update (both in this
process, one clock); every edit must reach every other client through the relay.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time

from . import world
from .infra import PYTHON, ROOT, Stack
from .notes_client import NotesClient
from .report import Report
from .web import percentile

CLIENTS = 200
WRITERS = 2
EDITS_PER_SECOND = 10  # per writer
SECONDS = 60
HTTP_THREADS = 4
TOKEN = re.compile(rb"w(\d)e(\d{5})")


async def _scenario(stack: Stack, report: Report) -> None:
    meeting = await asyncio.to_thread(world.live_meeting)
    path = f"/ws/samenwerking/overleg/{meeting['id']}/notities"
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

    sent_at: dict[tuple[int, int], float] = {}
    latencies: list[float] = []
    received: dict[tuple[int, int], int] = {}
    via_resync = 0

    def on_update(client: NotesClient, payload: bytes, now: float, sync_type: int) -> None:
        nonlocal via_resync
        for writer, edit in TOKEN.findall(payload):
            key = (int(writer), int(edit))
            started = sent_at.get(key)
            if started is None:
                continue
            if sync_type == 2:  # a relayed update
                latencies.append((now - started) * 1000)
                received[key] = received.get(key, 0) + 1
            else:
                via_resync += 1

    clients = []
    for i in range(CLIENTS):
        ports = [a.port, b.port] if i % 2 == 0 else [b.port, a.port]
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
    messages_before = sum(c.messages_in for c in clients)
    connects_before = sum(c.connects for c in clients)

    http = subprocess.Popen(  # noqa: S603
        [
            PYTHON,
            "-m",
            "bench.proof.httpload",
            json.dumps(
                {
                    "ports": [a.port, b.port],
                    "paths": [*public, "/samenwerking/"],
                    "cookies": {cookie_name: dashboard_session},
                    "threads": HTTP_THREADS,
                    "seconds": SECONDS,
                }
            ),
        ],
        cwd=ROOT,
        env=stack.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    async def write(writer_index: int, client: NotesClient) -> None:
        interval = 1 / EDITS_PER_SECOND
        n = 0
        started = time.monotonic()
        while time.monotonic() - started < SECONDS:
            key = (writer_index, n)
            sent_at[key] = time.perf_counter()
            client.type_at_end(f" w{writer_index}e{n:05d}")
            n += 1
            next_at = started + n * interval
            await asyncio.sleep(max(0, next_at - time.monotonic()))

    t_load = time.monotonic()
    await asyncio.gather(*(write(w, clients[w]) for w in range(WRITERS)))
    load_seconds = time.monotonic() - t_load
    await asyncio.sleep(5)  # let the last relays arrive
    messages = sum(c.messages_in for c in clients) - messages_before
    reconnects = sum(c.connects for c in clients) - connects_before
    out, err = await asyncio.to_thread(http.communicate, timeout=SECONDS + 60)
    for client in clients:
        await client.stop()
    worker.terminate()

    edits = len(sent_at)
    expected = edits * (CLIENTS - 1)
    delivered = sum(received.values())
    lost = [k for k in sent_at if received.get(k, 0) < CLIENTS - 1]
    report.figure(
        f"{edits} edits by {WRITERS} writers in {load_seconds:.1f} s "
        f"({edits / load_seconds:.1f}/s); relayed deliveries {delivered}/{expected}; "
        f"messages received by all clients {messages} ({messages / load_seconds:.0f}/s); "
        f"updates seen only through resync {via_resync}"
    )
    if latencies:
        report.figure(
            f"fan-out latency p50 {percentile(latencies, 50):.1f} ms, p90 "
            f"{percentile(latencies, 90):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, "
            f"max {max(latencies):.1f} ms ({len(latencies)} samples)"
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
        not lost, f"every edit reached every other client through the relay ({len(lost)} short)"
    )
    report.check(
        summary is not None and set(summary["statuses"]) == {"200"},
        f"every HTTP request answered 200 ({summary['errors'] if summary else 'no summary'})",
    )


def load(stack: Stack) -> Report:
    report = Report(f"Load: {CLIENTS} live-notes clients on 2 processes + HTTP, {SECONDS} s")
    asyncio.run(_scenario(stack, report))
    return report


if __name__ == "__main__":
    sys.exit("run through bench/proof/run.py")
