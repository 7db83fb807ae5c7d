"""The live meeting notes under load, against the reference Yjs server, in one run.

Ours runs as production runs it: ``portal.settings.production`` (DEBUG off, the database pool,
channels-redis Pub/Sub, the database task queue), uvicorn as ``docker/entrypoint.sh web``
starts it (one port, ``--workers`` processes) and the task worker (``manage.py db_worker``)
beside it. Every client of ours carries the session of a person who signed in for real, in
two steps over HTTP (password, then the TOTP code), into a meeting of a case they take part
in, with the confidentiality acknowledgement done. Every edit is stored with its audit record
before it is relayed. The reference is ``@y/websocket-server`` 0.1.1 (bench/yws; no sign-in,
audit or persistence), driven by the same client with the same shapes.

Scenarios (each for ours, then for the reference, with the 1-minute load average before and
after, and the lost edits: deliveries a client should have had and never got):

a. fan-out: one writer at ``RATE`` edits/s in one meeting of N clients;
b. all typing: ``TYPISTS`` clients in one meeting, each typing ``TYPIST_RATE`` edits/s;
c. capacity: M meetings of ``PER_MEETING`` people, one writer per meeting at ``MEETING_RATE``
   edits/s, for each M of ``MEETINGS``;
d. join: ``JOIN`` clients (``PER_MEETING`` a meeting) connect at once; the time from the first
   connect to the last client that received sync step 2;
e. server CPU per delivered update, over every scenario of a to c: user + system time of the
   server processes (ours: uvicorn's processes and the task worker; also shown with the
   PostgreSQL backends of the bench database; the reference: its node process) divided by the
   updates delivered to clients.

The verdict lines compare with issue 19's targets; the script fails (exit 1) only if the counts
do not add up (deliveries + lost != expected), not for a missed target.

How it measures: ``bench/notes/load.py``'s light client, in this one process, for both sides.
A latency is the time from a writer's send to a token's first arrival at another client (the
client scans the update for ``wNNNNeNNNNN|`` tokens instead of applying it to a document, so up
to 1,000 clients cost the shared two cores little; before 2026-12 this bench applied every
update with pycrdt, so older figures are not comparable). The reference echoes an update to
its sender too; that copy is not counted as delivered. The CPU window runs from the first edit
to the last delivery (or the drain's 10 s limit). The setup (migrate, collectstatic, sign-in)
takes 1-2 minutes of the run on a loaded machine, the scenarios about 4.

Only 127.0.0.1 is contacted. Needs DATABASE_URL (PostgreSQL) and REDIS_URL; creates and drops its
own database ``<name>_bench_live`` on that cluster (the application connects as that URL's
role, not a separate unprivileged role as in compose). Environment (defaults in brackets):

- ``LIVE_NOTES_BENCH_SCENARIOS`` [fanout,typing,capacity,join]: which to run;
- ``LIVE_NOTES_BENCH_N`` [30,100], ``LIVE_NOTES_BENCH_RATE`` [20]: scenario a;
- ``LIVE_NOTES_BENCH_TYPISTS`` [30], ``LIVE_NOTES_BENCH_TYPIST_RATE`` [2]: scenario b;
- ``LIVE_NOTES_BENCH_MEETINGS`` [50,100], ``LIVE_NOTES_BENCH_PER_MEETING`` [10],
  ``LIVE_NOTES_BENCH_MEETING_RATE`` [5]: scenario c;
- ``LIVE_NOTES_BENCH_JOIN`` [500]: scenario d;
- ``LIVE_NOTES_BENCH_SECONDS`` [10]: how long the writers type in a to c;
- ``LIVE_NOTES_BENCH_SETTLE`` [3]: at most this long, after the joins, for the clients to go
  quiet (0.5 s without a message) before the first edit;
- ``LIVE_NOTES_BENCH_WORKERS`` [2]: uvicorn processes (WEB_CONCURRENCY; the entrypoint's
  default);
- ``LIVE_NOTES_BENCH_PEOPLE`` [10]: people who sign in (a case director and partners, all in
  every bench case); a meeting's clients take their sessions in turn, so one session serves
  several sockets, as several tabs would;
- ``LIVE_NOTES_BENCH_LAYER`` ["core" for the list-based channel layer instead of Pub/Sub];
- ``LIVE_NOTES_BENCH_PROFILE`` [unset]: a directory; ours is then profiled in each scenario's
  measured window (py-spy record of the uvicorn workers and the task worker, raw files kept
  there, and pg_stat_activity sampled 20 times a second) and a summary printed. Profiling
  costs CPU: its figures are not for comparing.

``make bench`` runs it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.notes import load  # noqa: E402


def _env_list(name: str, default: str) -> list[int]:
    return [int(x) for x in os.environ.get(name, default).split(",") if x.strip()]


SCENARIOS = os.environ.get("LIVE_NOTES_BENCH_SCENARIOS", "fanout,typing,capacity,join").split(",")
FANOUT_SIZES = _env_list("LIVE_NOTES_BENCH_N", "30,100")
RATE = float(os.environ.get("LIVE_NOTES_BENCH_RATE", "20"))
TYPISTS = int(os.environ.get("LIVE_NOTES_BENCH_TYPISTS", "30"))
TYPIST_RATE = float(os.environ.get("LIVE_NOTES_BENCH_TYPIST_RATE", "2"))
MEETINGS = _env_list("LIVE_NOTES_BENCH_MEETINGS", "50,100")
PER_MEETING = int(os.environ.get("LIVE_NOTES_BENCH_PER_MEETING", "10"))
MEETING_RATE = float(os.environ.get("LIVE_NOTES_BENCH_MEETING_RATE", "5"))
JOIN = int(os.environ.get("LIVE_NOTES_BENCH_JOIN", "500"))
SECONDS = float(os.environ.get("LIVE_NOTES_BENCH_SECONDS", "10"))
SETTLE = float(os.environ.get("LIVE_NOTES_BENCH_SETTLE", "3"))
WORKERS = int(os.environ.get("LIVE_NOTES_BENCH_WORKERS", "2"))
PEOPLE = int(os.environ.get("LIVE_NOTES_BENCH_PEOPLE", "10"))
CORE_LAYER = os.environ.get("LIVE_NOTES_BENCH_LAYER") == "core"
PROFILE = os.environ.get("LIVE_NOTES_BENCH_PROFILE", "")
JOIN_TIMEOUT = 120.0
DRAIN_TIMEOUT = 10.0

# Issue 19's targets.
FANOUT_RATIO = 1.0
TYPING_RATIO = 1.5
CAPACITY_P99_MS = 50.0
CAPACITY_AT = 100
JOIN_SECONDS = 2.0
CPU_RATIO = 2.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, timeout: float = 90) -> None:
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


@dataclass
class Room:
    """One meeting (ours) or room (the reference): the URL of each client, its session."""

    urls: list[str]
    cookies: list[str | None]
    origin: str | None


@dataclass
class Side:
    name: str
    cpu_groups: dict[str, list[int]]
    backends: Any  # () -> list of PostgreSQL backend pids of ours, or None
    settled: Any  # () -> None: waits until the server has let go of closed sockets
    profile: Any = None  # (label) -> stopper () -> summary text; LIVE_NOTES_BENCH_PROFILE


async def _measure(
    side: Side, rooms: list[Room], *, label: str, writers: int, rate: float, seconds: float
) -> dict[str, Any]:
    """Join every room's clients at once, then let ``writers`` clients per room type."""
    recorder = load.Recorder()
    probes: list[load.Probe] = []
    by_room: list[list[load.Probe]] = []
    writer_id = 0
    for room in rooms:
        members = []
        for index, (url, cookie) in enumerate(zip(room.urls, room.cookies, strict=True)):
            wid = None
            if index < writers:
                writer_id += 1
                wid = writer_id
            members.append(
                load.Probe(url, recorder=recorder, cookie=cookie, origin=room.origin, writer_id=wid)
            )
        by_room.append(members)
        probes.extend(members)
    profiling = side.profile(label) if side.profile and not writers else None
    joined_in, synced = await load.join(probes, JOIN_TIMEOUT)
    if profiling:
        print(profiling(), flush=True)
    result: dict[str, Any] = {
        "clients": len(probes),
        "synced": synced,
        "join_s": joined_in,
        "writers": writer_id,
    }
    if synced < len(probes):
        codes = sorted({p.closed_code for p in probes if not p.synced.is_set()}, key=str)
        print(f"   {len(probes) - synced} clients did not sync (close codes {codes})", flush=True)
    if seconds > 0 and writers > 0:
        await load.quiet(probes, for_seconds=0.5, at_most=SETTLE)
        window = load.CpuWindow(dict(side.cpu_groups))
        backends_before = side.backends() if side.backends else []
        profiling = side.profile(label) if side.profile else None
        window.start()
        if backends_before:
            window.before["postgres"] = load.cpu_seconds(backends_before)
        started = time.perf_counter()
        client_cpu = time.process_time()
        await load.write([p for p in probes if p.writer_id is not None], rate, seconds)
        expected = {
            id(p): sum(w.sent for w in room if w.writer_id is not None and w is not p)
            for room in by_room
            for p in room
        }
        await load.drain(probes, expected, DRAIN_TIMEOUT)
        elapsed = time.perf_counter() - started
        spent = window.stop({"postgres": side.backends()} if side.backends else None)
        if profiling:
            print(profiling(), flush=True)
        latencies = recorder.latencies
        result.update(
            edits=len(recorder.sent),
            deliveries=len(latencies),
            expected=sum(expected.values()),
            lost=sum(expected[id(p)] - len(p.seen) for p in probes),
            duplicates=recorder.duplicates,
            p50=_percentile(latencies, 50) * 1000,
            p95=_percentile(latencies, 95) * 1000,
            p99=_percentile(latencies, 99) * 1000,
            max=max(latencies, default=float("nan")) * 1000,
            cpu=spent,
            client_cpu=time.process_time() - client_cpu,
            elapsed=elapsed,
        )
    await asyncio.gather(*(p.close() for p in probes))
    return result


def _scenario(side: Side, rooms: list[Room], **shape: Any) -> dict[str, Any]:
    before = load.load1()
    result = load.run(_measure(side, rooms, **shape))
    side.settled()
    result["load"] = (before, load.load1())
    return result


def _cpu_text(result: dict[str, Any]) -> str:
    cpu = result.get("cpu") or {}
    deliveries = result.get("deliveries") or 0
    if not cpu or not deliveries:
        return ""
    server = sum(v for k, v in cpu.items() if k != "postgres")
    parts = [f"cpu {server:.2f} s = {server / deliveries * 1e6:.0f} us/delivery"]
    if "postgres" in cpu:
        parts.append(f"+PostgreSQL {cpu['postgres']:.2f} s")
    parts.append(f"(bench client {result['client_cpu']:.2f} s)")
    return ", ".join(parts)


def _server_cpu_per_delivery(result: dict[str, Any]) -> float:
    cpu = result.get("cpu") or {}
    server = sum(v for k, v in cpu.items() if k != "postgres")
    return server / result["deliveries"] if result.get("deliveries") else float("nan")


def _line(side: str, label: str, r: dict[str, Any]) -> str:
    text = f"{side:<10} {label:<22} clients={r['clients']:<5} synced={r['synced']:<5} "
    text += f"join={r['join_s']:5.2f} s  "
    if "p99" in r:
        text += (
            f"edits={r['edits']:<5} deliveries={r['deliveries']:<6} "
            f"p50={r['p50']:6.1f} p95={r['p95']:6.1f} p99={r['p99']:6.1f} max={r['max']:6.1f} ms "
            f"lost={r['lost']}  {_cpu_text(r)}  "
        )
    text += f"load1 {r['load'][0]:.2f} -> {r['load'][1]:.2f}"
    return text


def _verdict(label: str, ok: bool, detail: str) -> str:
    return f"VERDICT {label:<34} {'meets ' if ok else 'MISSES'}  {detail}"


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        print("skipped: needs DATABASE_URL (PostgreSQL) and REDIS_URL")
        return 0
    has_reference = bool(shutil.which("node")) and (ROOT / "bench/yws/node_modules").exists()
    if not has_reference:
        print("note: reference server missing (cd bench/yws && npm ci); comparing is skipped")

    parts = urllib.parse.urlsplit(database_url)
    bench_db = f"{parts.path.lstrip('/') or 'vh'}_bench_live"
    bench_url = urllib.parse.urlunsplit(parts._replace(path=f"/{bench_db}"))
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    workdir = Path(tempfile.mkdtemp(prefix="vh-bench-live-"))
    env = load.production_env(database_url=bench_url, redis_url=redis_url, workdir=workdir)
    if CORE_LAYER:
        env["CHANNEL_LAYER"] = "core"
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
        admin.execute(f'CREATE DATABASE "{bench_db}"')
    processes: list[subprocess.Popen] = []
    python = sys.executable
    try:
        started = time.monotonic()
        collect = subprocess.Popen(  # noqa: S603
            [python, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        migrate_env = dict(env, DB_POOL="false")
        for command in (["migrate", "--noinput", "-v0"], ["setup_site"]):
            subprocess.run(  # noqa: S603
                [python, "manage.py", *command],
                cwd=ROOT,
                env=migrate_env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        if collect.wait() != 0:
            raise RuntimeError("collectstatic failed")
        print(f"setup: migrate, setup_site, collectstatic {time.monotonic() - started:.0f} s")

        os.environ.update(env, DB_POOL="false")
        import django

        django.setup()
        from django.conf import settings

        from bench.notes.world import BenchPeople, LiveConnectionCount, make_meetings

        people = BenchPeople.create(PEOPLE)
        cookie_name = settings.SESSION_COOKIE_NAME

        port = _free_port()
        web = load.start_web(python, ROOT, env, port, WORKERS, workdir / "web.log")
        processes.append(web)
        worker = load.start_worker(python, ROOT, env, workdir / "worker.log")
        processes.append(worker)
        _wait_http(f"http://127.0.0.1:{port}/healthz")
        started = time.monotonic()
        sessions = [
            load.sign_in(port, email, people.password)[cookie_name] for email in people.emails
        ]
        print(
            f"{len(sessions)} people signed in over HTTP (password + TOTP code) in "
            f"{time.monotonic() - started:.1f} s"
        )
        uvicorn_pids = load.process_tree(web.pid)
        if len(uvicorn_pids) < WORKERS + 1:
            time.sleep(2)  # the supervisor may still be spawning its workers
            uvicorn_pids = load.process_tree(web.pid)

        def backends() -> list[int]:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                rows = admin.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s", (bench_db,)
                ).fetchall()
            return [row[0] for row in rows]

        live = LiveConnectionCount()
        ours = Side(
            "ours",
            {"uvicorn": uvicorn_pids, "worker": load.process_tree(worker.pid)},
            backends,
            lambda: live.wait_for_zero(60),
        )

        if PROFILE:
            profile_dir = Path(PROFILE)
            profile_dir.mkdir(parents=True, exist_ok=True)

            def profile(label: str) -> Any:
                pids = [p for p in uvicorn_pids if p != web.pid] + [worker.pid]
                spy = load.PySpy(pids, profile_dir / label)
                sampler = load.PgSampler(admin_url, bench_db)
                sampler.start()

                def stop() -> str:
                    return sampler.stop() + "\n" + load.profile_summary(spy.stop())

                return stop

            ours.profile = profile

        ref_port = _free_port()
        reference: Side | None = None
        if has_reference:
            node = subprocess.Popen(
                ["node", "node_modules/@y/websocket-server/src/server.js"],  # noqa: S607
                cwd=ROOT / "bench/yws",
                env=dict(os.environ, HOST="127.0.0.1", PORT=str(ref_port)),
                stdout=subprocess.DEVNULL,
                start_new_session=True,
            )
            processes.append(node)
            _wait_http(f"http://127.0.0.1:{ref_port}/")
            reference = Side("reference", {"node": [node.pid]}, None, lambda: None)

        origin = f"http://127.0.0.1:{port}"

        def our_rooms(label: str, count: int, size: int) -> list[Room]:
            """Fresh meetings (empty notes), each client with a person's session in turn; the
            first client of a meeting is its case director."""
            rooms = []
            for meeting_id in make_meetings(people, label, count):
                url = f"ws://127.0.0.1:{port}/ws/samenwerking/overleg/{meeting_id}/notities"
                cookies = [f"{cookie_name}={sessions[i % len(sessions)]}" for i in range(size)]
                rooms.append(Room([url] * size, cookies, origin))
            return rooms

        def reference_rooms(label: str, count: int, size: int) -> list[Room]:
            return [
                Room([f"ws://127.0.0.1:{ref_port}/{label}-{m}"] * size, [None] * size, None)
                for m in range(count)
            ]

        layer = "list" if CORE_LAYER else "Pub/Sub"
        print(
            f"ours: portal.settings.production, uvicorn --workers {WORKERS} (pids "
            f"{uvicorn_pids}), db_worker, channels-redis ({layer}), PostgreSQL (append + audit "
            f"record per edit, before the relay); {PEOPLE} signed-in people"
        )
        print(
            f"reference: @y/websocket-server 0.1.1 (node {'pid ' + str(node.pid) if reference else 'missing'})"
        )
        print(
            f"typing for {SECONDS:.0f} s per scenario; load1 at start {load.load1():.2f}",
            flush=True,
        )

        results: dict[str, dict[str, dict[str, Any]]] = {}
        failed = False

        def both(key: str, label: str, count: int, size: int, **shape: Any) -> None:
            nonlocal failed
            pair: dict[str, dict[str, Any]] = {}
            rooms = our_rooms(key, count, size)
            pair["ours"] = _scenario(ours, rooms, label=key, **shape)
            print(_line("ours", label, pair["ours"]), flush=True)
            if reference is not None:
                pair["reference"] = _scenario(
                    reference, reference_rooms(key, count, size), label=key, **shape
                )
                print(_line("reference", label, pair["reference"]), flush=True)
            for r in pair.values():
                if "p99" in r and r["deliveries"] + r["lost"] != r["expected"]:
                    failed = True
            results[key] = pair

        if "fanout" in SCENARIOS:
            for n in FANOUT_SIZES:
                both(f"fanout{n}", f"a fan-out N={n}", 1, n, writers=1, rate=RATE, seconds=SECONDS)
        if "typing" in SCENARIOS:
            both(
                "typing",
                f"b all {TYPISTS} typing",
                1,
                TYPISTS,
                writers=TYPISTS,
                rate=TYPIST_RATE,
                seconds=SECONDS,
            )
        if "capacity" in SCENARIOS:
            for m in MEETINGS:
                both(
                    f"capacity{m}",
                    f"c {m} x {PER_MEETING} people",
                    m,
                    PER_MEETING,
                    writers=1,
                    rate=MEETING_RATE,
                    seconds=SECONDS,
                )
        if "join" in SCENARIOS:
            both(
                "join",
                f"d join {JOIN}",
                -(-JOIN // PER_MEETING),
                PER_MEETING,
                writers=0,
                rate=0,
                seconds=0,
            )

        print()
        lost = {
            f"{key}/{side}": r["lost"]
            for key, pair in results.items()
            for side, r in pair.items()
            if "lost" in r
        }
        print(
            _verdict(
                "nothing lost (every scenario)",
                not any(lost.values()),
                ", ".join(f"{k} {v}" for k, v in lost.items()),
            )
        )

        def ratio_verdict(key: str, label: str, target: float) -> None:
            pair = results.get(key, {})
            if "reference" not in pair or "p99" not in pair.get("ours", {}):
                return
            ours_p99, ref_p99 = pair["ours"]["p99"], pair["reference"]["p99"]
            ratio = ours_p99 / ref_p99
            print(
                _verdict(
                    label,
                    ratio <= target,
                    f"p99 ours {ours_p99:.1f} ms / reference {ref_p99:.1f} ms = {ratio:.2f}x "
                    f"(target <= {target:.1f}x)",
                )
            )

        for n in FANOUT_SIZES:
            ratio_verdict(f"fanout{n}", f"a fan-out p99, N={n}", FANOUT_RATIO)
        ratio_verdict("typing", f"b all {TYPISTS} typing p99", TYPING_RATIO)
        for m in MEETINGS:
            pair = results.get(f"capacity{m}")
            if not pair:
                continue
            ours_r = pair["ours"]
            ref_text = (
                f"; reference {pair['reference']['p99']:.1f} ms" if "reference" in pair else ""
            )
            label = f"c capacity {m} x {PER_MEETING}, p99 < {CAPACITY_P99_MS:.0f} ms"
            if m != CAPACITY_AT:
                label += " (step)"
            print(
                _verdict(
                    label,
                    ours_r["p99"] < CAPACITY_P99_MS and ours_r["lost"] == 0,
                    f"p99 ours {ours_r['p99']:.1f} ms, lost {ours_r['lost']}{ref_text}",
                )
            )
        pair = results.get("join")
        if pair:
            ours_r = pair["ours"]
            ref_text = (
                f"; reference {pair['reference']['join_s']:.2f} s" if "reference" in pair else ""
            )
            print(
                _verdict(
                    f"d {JOIN} joined within {JOIN_SECONDS:.0f} s",
                    ours_r["join_s"] < JOIN_SECONDS and ours_r["synced"] == ours_r["clients"],
                    f"ours {ours_r['join_s']:.2f} s ({ours_r['synced']}/{ours_r['clients']} "
                    f"synced){ref_text}",
                )
            )
        for key, pair in results.items():
            if "reference" not in pair or "cpu" not in pair["ours"]:
                continue
            ours_cpu = _server_cpu_per_delivery(pair["ours"])
            ref_cpu = _server_cpu_per_delivery(pair["reference"])
            with_pg = (
                sum(pair["ours"]["cpu"].values()) / pair["ours"]["deliveries"]
                if pair["ours"]["deliveries"]
                else float("nan")
            )
            print(
                _verdict(
                    f"e cpu/delivered update, {key}",
                    ours_cpu / ref_cpu <= CPU_RATIO,
                    f"ours {ours_cpu * 1e6:.0f} us (with PostgreSQL {with_pg * 1e6:.0f} us) / "
                    f"reference {ref_cpu * 1e6:.0f} us = {ours_cpu / ref_cpu:.2f}x "
                    f"(with PostgreSQL {with_pg / ref_cpu:.2f}x; target <= {CPU_RATIO:.0f}x)",
                )
            )
        print(f"load1 at the end {load.load1():.2f}")
        if failed:
            print("inconsistent counts: deliveries + lost != expected")
            return 1
    finally:
        for process in reversed(processes):
            load.stop(process)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
