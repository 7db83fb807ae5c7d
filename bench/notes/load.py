"""Pieces of ``bench/live_notes.py``: a light Yjs load client, the production servers, the real
two-step sign-in, CPU and load sampling.

The load client (``Probe``) speaks y-websocket's sync protocol like the browser bundle, but a
receiving client does not build a document: it scans each update for the writers' tokens
(``w0012e00034|``, as ``bench/proof/connections.py`` does). Up to 1,000 clients share this
process with the servers on two cores; applying every update into a pycrdt document would make
the bench client, not the server, the bottleneck, for ours and the reference alike. A writer does
keep a pycrdt document, because the server accepts only updates that decode as the editor's.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets
from pycrdt import Doc, Text

from collaboration.live_notes import protocol

# collaboration.live_notes.document.TEXT_NAME; that module needs Django set up, this one not.
TEXT_NAME = "notes"
TOKEN = re.compile(rb"w(\d{4})e(\d{5})\|")
SIGN_IN = "/account/aanmelden/"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
EMPTY_STATE_VECTOR = b"\x00"
EMPTY_UPDATE = b"\x00\x00"


def load1() -> float:
    """The 1-minute load average (other helpers share the machine: the figures say how busy)."""
    return os.getloadavg()[0]


# --- CPU of the servers ---------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of a live process, from /proc/<pid>/stat."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def process_tree(root: int) -> list[int]:
    """``root`` and every live descendant (uvicorn's supervisor and its worker processes)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = stat[0]
    tree, frontier = [root], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        tree.extend(children)
        frontier = children
    return tree


def cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """CPU seconds so far of each live pid (a pid that has ended is left out)."""
    return {pid: stat[1] for pid in pids if (stat := _stat(pid)) is not None}


@dataclass
class CpuWindow:
    """CPU seconds the given processes spent between ``start`` and ``stop``. A process that
    appears only at the stop (a new PostgreSQL backend) counts from zero."""

    groups: dict[str, list[int]]
    before: dict[str, dict[int, float]] = field(default_factory=dict)
    spent: dict[str, float] = field(default_factory=dict)

    def start(self) -> None:
        self.before = {name: cpu_seconds(pids) for name, pids in self.groups.items()}

    def stop(self, extra: dict[str, list[int]] | None = None) -> dict[str, float]:
        for name, pids in {**self.groups, **(extra or {})}.items():
            now = cpu_seconds(pids)
            start = self.before.get(name, {})
            self.spent[name] = sum(value - start.get(pid, 0.0) for pid, value in now.items())
        return self.spent


# --- the load client ------------------------------------------------------------------------


class Recorder:
    """Send times of every token and the first arrival of each at each client."""

    def __init__(self) -> None:
        self.sent: dict[tuple[int, int], float] = {}
        self.latencies: list[float] = []
        self.duplicates = 0

    def arrived(self, probe: Probe, payload: bytes, now: float) -> None:
        for writer, seq in TOKEN.findall(payload):
            key = (int(writer), int(seq))
            if key[0] == probe.writer_id or key not in self.sent:
                continue  # its own edit (the reference echoes it), or from before the window
            if key in probe.seen:
                self.duplicates += 1
                continue
            probe.seen.add(key)
            self.latencies.append(now - self.sent[key])


class Probe:
    """One WebSocket client of a meeting (ours) or room (the reference)."""

    def __init__(
        self,
        url: str,
        *,
        recorder: Recorder,
        cookie: str | None = None,
        origin: str | None = None,
        writer_id: int | None = None,
    ) -> None:
        self.url = url
        self.recorder = recorder
        self.cookie = cookie
        self.origin = origin
        self.writer_id = writer_id
        self.synced = asyncio.Event()
        self.synced_at = 0.0
        self.seen: set[tuple[int, int]] = set()
        self.last_message = 0.0
        self.closed_code: int | None = None
        self.sent = 0
        self._ws: Any = None
        self._reader: asyncio.Task | None = None
        self._doc: Doc | None = None
        self._text: Text | None = None
        self._outbox: list[bytes] = []
        if writer_id is not None:
            self._doc = Doc()
            self._text = self._doc.get(TEXT_NAME, type=Text)
            self._doc.observe(lambda event: self._outbox.append(event.update))

    async def connect(self) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self._ws = await websockets.connect(
            self.url,
            origin=self.origin,
            additional_headers=headers,
            max_size=2**24,
            ping_interval=None,
            open_timeout=60,
            compression=None,
        )
        state = self._doc.get_state() if self._doc is not None else EMPTY_STATE_VECTOR
        await self._ws.send(protocol.sync_message(protocol.SYNC_STEP1, state))
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                if isinstance(data, bytes):
                    await self._handle(data)
        except websockets.ConnectionClosed:
            pass
        finally:
            if self._ws.close_code is not None:
                self.closed_code = self._ws.close_code

    async def _handle(self, data: bytes) -> None:
        now = time.perf_counter()
        self.last_message = now
        reader = protocol.Reader(data)
        if reader.var_uint() != protocol.MESSAGE_SYNC:
            return  # awareness, presence, permission: not measured
        sync_type = reader.var_uint()
        payload = reader.var_bytes()
        if sync_type == protocol.SYNC_STEP1:
            answer = self._doc.get_update(payload) if self._doc is not None else EMPTY_UPDATE
            await self._ws.send(protocol.sync_message(protocol.SYNC_STEP2, answer))
            return
        if sync_type == protocol.SYNC_STEP2:
            if self._doc is not None:
                self._doc.apply_update(payload)
            if not self.synced.is_set():
                self.synced_at = now
                self.synced.set()
            return
        self.recorder.arrived(self, payload, now)

    async def type_token(self, seq: int) -> None:
        """Append this writer's next token, as one keystroke's update."""
        key = (self.writer_id or 0, seq)
        self._outbox.clear()
        self._text += f"w{key[0]:04d}e{seq:05d}|"
        self.recorder.sent[key] = time.perf_counter()
        for update in self._outbox:
            await self._ws.send(protocol.sync_message(protocol.SYNC_UPDATE, update))
        self._outbox.clear()
        self.sent += 1

    async def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws.close(), timeout=20)
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)


async def join(probes: list[Probe], timeout: float) -> tuple[float, int]:
    """Connect every probe at once and wait until each has received sync step 2; returns
    (seconds from the first connect to the last synced, how many synced in time)."""
    started = time.perf_counter()
    results = await asyncio.gather(*(p.connect() for p in probes), return_exceptions=True)
    failed = [r for r in results if isinstance(r, BaseException)]
    waiting = [p.synced.wait() for p, r in zip(probes, results, strict=True) if r is None]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*waiting), timeout=timeout)
    synced = [p for p in probes if p.synced.is_set()]
    if failed:
        print(f"   {len(failed)} connections failed, first: {failed[0]!r}", flush=True)
    last = max((p.synced_at for p in synced), default=started)
    return last - started, len(synced)


async def quiet(probes: list[Probe], *, for_seconds: float, at_most: float) -> None:
    """Wait until no probe has received anything for ``for_seconds`` (the presence messages
    of the joins are through), or ``at_most`` seconds."""
    deadline = time.perf_counter() + at_most
    while time.perf_counter() < deadline:
        last = max((p.last_message for p in probes), default=0.0)
        if time.perf_counter() - last >= for_seconds:
            return
        await asyncio.sleep(0.05)


async def write(writers: list[Probe], rate: float, seconds: float) -> None:
    """Each writer types ``rate`` tokens a second for ``seconds``; starts are spread evenly
    over one interval, so the writers do not all type in the same instant."""

    async def one(index: int, probe: Probe) -> None:
        started = time.perf_counter() + index / (rate * len(writers))
        for seq in range(int(seconds * rate)):
            await asyncio.sleep(max(0.0, started + seq / rate - time.perf_counter()))
            await probe.type_token(seq)

    await asyncio.gather(*(one(i, w) for i, w in enumerate(writers)))


async def drain(probes: list[Probe], expected: dict[int, int], timeout: float) -> None:
    """Wait until every probe has seen what it should (``expected`` by id), or ``timeout``."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if all(len(p.seen) >= expected.get(id(p), 0) for p in probes):
            return
        await asyncio.sleep(0.05)


def run(coro: Any) -> Any:
    """``asyncio.run`` on uvloop when it is installed (uvicorn uses it too), for both sides."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


# --- production servers and the real sign-in --------------------------------------------------


def production_env(*, database_url: str, redis_url: str, workdir: Path) -> dict[str, str]:
    """The production settings as ``bench/proof/infra.py`` gives them, on the given cluster."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DEBUG="false",
        SECRET_KEY="bench-" + secrets.token_urlsafe(48),
        OPEN_BADGES_SIGNING_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CSRF_TRUSTED_ORIGINS="https://127.0.0.1,http://127.0.0.1",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        SECURE_SSL_REDIRECT="false",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        CHANNEL_PREFIX="vhbenchlive",
        CACHE_KEY_PREFIX="vhbenchlive",
    )
    return env


def start_web(python: str, root: Path, env: dict[str, str], port: int, workers: int, log: Path):
    """uvicorn as ``docker/entrypoint.sh web`` runs it (``--workers`` = WEB_CONCURRENCY)."""
    return subprocess.Popen(  # noqa: S603
        [
            python,
            "-m",
            "uvicorn",
            "portal.asgi:application",
            *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
            *("--lifespan", "off", "--no-proxy-headers", "--ws-max-size", "262144"),
            "--no-server-header",
            "--no-access-log",
        ],
        cwd=root,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_worker(python: str, root: Path, env: dict[str, str], log: Path):
    """The task worker as ``docker/entrypoint.sh worker`` runs it."""
    subprocess.run(  # noqa: S603
        [python, "manage.py", "requeue_orphaned_tasks", "--older-than", "0"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    return subprocess.Popen(  # noqa: S603
        [python, "manage.py", "db_worker"],
        cwd=root,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    """End a process this bench started, with its children (its own process group)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def totp_now(email: str) -> str:
    """The code the person's authenticator app shows now (from the device's key)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def sign_in(port: int, email: str, password: str) -> dict[str, str]:
    """The two-step sign-in as a browser does it (password, then the TOTP code); returns the
    signed-in cookie jar. A code counts once: if this step's was used, wait for the next."""
    from bench.proof.web import Client, hidden_value

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
            "auth-password": password,
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
                "token-otp_token": totp_now(email),
            },
        )
        if step2.status == 302:
            break
        if attempt == 1 and step2.status == 200 and "token-otp_token" in step2.body:
            page = step2
            time.sleep(30.5 - time.time() % 30)
            continue
        raise RuntimeError(f"code step for {email}: {step2.status}")
    check = client.get("/samenwerking/")
    client.close()
    if check.status != 200:
        raise RuntimeError(f"{email} signed in but the dashboard answered {check.status}")
    return dict(client.cookies)


# --- profiling (LIVE_NOTES_BENCH_PROFILE) ------------------------------------------------------


class PgSampler:
    """Samples the bench database's backends 20 times a second: which statements are active
    and what they wait for (a lock, the WAL, a client), to see where a keystroke's time goes."""

    def __init__(self, admin_url: str, database: str) -> None:
        self.admin_url = admin_url
        self.database = database
        self.samples = 0
        self.active: Counter[tuple[str, str]] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            while not self._stop.is_set():
                rows = conn.execute(
                    "SELECT coalesce(wait_event_type || ':' || wait_event, 'cpu'), "
                    "left(regexp_replace(query, '\\s+', ' ', 'g'), 48) "
                    "FROM pg_stat_activity WHERE datname = %s AND state = 'active'",
                    (self.database,),
                ).fetchall()
                self.samples += 1
                for wait, query in rows:
                    self.active[(query, wait)] += 1
                self._stop.wait(0.05)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> str:
        self._stop.set()
        self._thread.join(timeout=5)
        busy = sum(self.active.values()) / max(1, self.samples)
        lines = [f"   PostgreSQL: {busy:.2f} backends active on average ({self.samples} samples)"]
        for (query, wait), count in self.active.most_common(8):
            lines.append(f"     {count / self.samples:5.2f}  {wait:<28} {query}")
        return "\n".join(lines)


class PySpy:
    """``py-spy record`` (raw, non-blocking) of each given process until ``stop``."""

    def __init__(self, pids: list[int], prefix: Path) -> None:
        self.files = [prefix.with_name(f"{prefix.name}-{pid}.txt") for pid in pids]
        self.processes = [
            subprocess.Popen(  # noqa: S603
                [
                    str(Path(sys.executable).with_name("py-spy")),
                    *("record", "--nonblocking", "-f", "raw", "-r", "50"),
                    *("-p", str(pid), "-o", str(path)),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for pid, path in zip(pids, self.files, strict=True)
        ]

    def stop(self) -> list[Path]:
        for process in self.processes:
            process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        return [path for path in self.files if path.exists()]


def profile_summary(paths: list[Path], top: int = 14) -> str:
    """The functions holding most samples (inclusive, once per stack), from py-spy's raw
    output, over the given processes together: where the server's CPU goes."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for path in paths:
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = [
                f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0].rsplit("/", 1)[-1] + ")"
                for f in stack.split(";")
                if f
            ]
            for frame in set(frames):
                inclusive[frame] += n
            if frames:
                own[frames[-1]] += n
    lines = [f"   py-spy: {total} samples (50/s, active only) over {len(paths)} processes"]
    lines.append("     inclusive:")
    for frame, n in inclusive.most_common(top):
        lines.append(f"     {n / max(1, total):6.1%}  {frame}")
    lines.append("     own:")
    for frame, n in own.most_common(top):
        lines.append(f"     {n / max(1, total):6.1%}  {frame}")
    return "\n".join(lines)
