"""Throughput and latency of public pages through the production ASGI server, side by side with a
static file of the same size served by the same server (WhiteNoise, inside the same Django stack).

    .venv/bin/python bench/public_pages.py [--seconds 10] [--connections 16]

What it does, all on 127.0.0.1 and in a throwaway directory:
1. migrates a fresh database and builds the demo site (``content.demo_site``);
2. starts ``docker/entrypoint.sh web`` (uvicorn, ``portal.settings.production``, DEBUG off,
   WEB_CONCURRENCY workers) once to learn the size of each page, then writes static files of
   exactly those sizes into STATIC_ROOT and starts it again;
3. drives each URL with N keep-alive HTTP/1.1 connections for S seconds (after a short warm-up)
   and prints requests per second, p50 and p99 latency, and the page/static ratios.

With DATABASE_URL pointing at PostgreSQL it creates (and drops afterwards) its own database on
that server, never touching the one named; otherwise a temporary SQLite file. With REDIS_URL
set the cache is Redis under a fresh key prefix (as in production), else local memory per worker.
"""

# Runs only our own fixed commands (manage.py, docker/entrypoint.sh) on our own files.
# ruff: noqa: S603, S607

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
HOST = "127.0.0.1"
PAGES = {"home page": "/", "content page": "/wat-is-intrafamiliaal-geweld/"}


@dataclass
class Result:
    name: str
    path: str
    size: int
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


def server_env(workdir: Path, port: int, workers: int, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "OPEN_BADGES_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "ALLOWED_HOSTS": HOST,
            "SECURE_SSL_REDIRECT": "false",  # loopback only; production sits behind TLS
            "DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "WARNING",
            "PYTHON": PYTHON,
            "HOST": HOST,
            "PORT": str(port),
            "WEB_CONCURRENCY": str(workers),
        }
    )
    if env.get("REDIS_URL"):
        env["CACHE_KEY_PREFIX"] = f"bench-{secrets.token_hex(4)}"
    return env


@contextlib.contextmanager
def own_postgres_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database next to the one DATABASE_URL names, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield None
        return
    import psycopg

    parts = urlsplit(url)
    name = f"vh_bench_pages_{secrets.token_hex(3)}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


class Server:
    """``docker/entrypoint.sh web``: migrate, collectstatic, setup_site, then uvicorn workers."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None
        self.base = f"http://{HOST}:{env['PORT']}"

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
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"server exited early; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"server did not start; see {self.log}")

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # our own process group only
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.base + path, timeout=10) as response:  # noqa: S310
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
            return response.read()


async def _connection(
    port: int, path: str, stop_at: float, latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: vh-bench\r\n\r\n".encode()
    try:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            headers = head.lower()
            if b"transfer-encoding: chunked" in headers:
                while True:
                    size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                length = 0
                for line in headers.split(b"\r\n"):
                    if line.startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors.append(status)
    finally:
        writer.close()


async def _drive(
    port: int, path: str, connections: int, seconds: float
) -> tuple[list[float], list[int], float]:
    latencies: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(
        *(_connection(port, path, stop_at, latencies, errors) for _ in range(connections))
    )
    return latencies, errors, time.perf_counter() - started


def measure(name: str, port: int, path: str, size: int, connections: int, seconds: float) -> Result:
    asyncio.run(
        _drive(port, path, connections, 1.0)
    )  # warm-up: caches, connections, JIT-free paths
    latencies, errors, elapsed = asyncio.run(_drive(port, path, connections, seconds))
    return Result(name, path, size, len(latencies), len(errors), elapsed, latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="vh-bench-") as tmp,
        own_postgres_database() as database_url,
    ):
        workdir = Path(tmp)
        port = free_port()
        env = server_env(workdir, port, args.workers, database_url)
        log = workdir / "server.log"
        print(
            f"Preparing a fresh database and the demo site ({env['DATABASE_URL'].split(':')[0]}, "
            f"cache {'redis' if 'REDIS_URL' in env else 'local memory'}) ...",
            flush=True,
        )
        manage(env, "migrate", "--noinput")
        manage(
            env, "shell", "-c", "from content.demo_site import ensure_demo_site; ensure_demo_site()"
        )

        with Server(env, log) as server:
            sizes = {name: len(server.get(path)) for name, path in PAGES.items()}
        static_dir = workdir / "static" / "bench"
        static_dir.mkdir(parents=True, exist_ok=True)
        static_paths = {}
        for name, size in sizes.items():
            filename = name.replace(" ", "-") + ".html"
            (static_dir / filename).write_bytes(
                b"<!-- same size as the page -->" + b"x" * (size - 30)
            )
            static_paths[name] = f"/static/bench/{filename}"

        results: list[Result] = []
        load_before = os.getloadavg()[0]
        with Server(env, log) as server:
            for name, path in PAGES.items():
                body = server.get(path)
                if b"Snel weg" not in body or b"<h1>" not in body:
                    raise SystemExit(f"{path} is not the page we expect")
                results.append(
                    measure(name, port, path, sizes[name], args.connections, args.seconds)
                )
                static = static_paths[name]
                if len(server.get(static)) != sizes[name]:
                    raise SystemExit(f"{static} is not {sizes[name]} bytes")
                results.append(
                    measure(
                        f"static file, {name} size",
                        port,
                        static,
                        sizes[name],
                        args.connections,
                        args.seconds,
                    )
                )

    print(
        f"\n1-minute load average before the measurements {load_before:.1f}, after "
        f"{os.getloadavg()[0]:.1f}, on {os.cpu_count()} CPUs: other work on the machine shows in p99."
    )
    print(
        f"\n{args.connections} connections, {args.seconds:.0f} s per measurement, "
        f"{args.workers} uvicorn workers, portal.settings.production (DEBUG off), {os.cpu_count()} CPUs\n"
    )
    print(
        f"{'target':<34}{'bytes':>8}{'requests':>10}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
    )
    for r in results:
        print(
            f"{r.name:<34}{r.size:>8}{r.requests:>10}{r.rps:>10.0f}{r.percentile(0.5):>9.1f}"
            f"{r.percentile(0.99):>9.1f}{r.errors:>8}"
        )
    print()
    for page, static in zip(results[::2], results[1::2], strict=True):
        ratio = page.rps / static.rps
        verdict = "meets" if ratio >= 0.5 and page.percentile(0.99) < 50 else "MISSES"
        print(
            f"{page.name}: {ratio:.2f} x the static file's throughput, p99 {page.percentile(0.99):.1f} ms "
            f"({verdict} the target: >= 0.5 x and p99 < 50 ms)"
        )
    mean = statistics.fmean(r.rps for r in results[::2])
    print(f"mean page throughput {mean:.0f} req/s")


if __name__ == "__main__":
    main()
