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

The targets (issue 19): a page >= 0.5 x the static file's throughput with p99 < 50 ms; the
search (``/zoeken/?q=geweld``) >= 0.25 x with p99 < 200 ms. The client sends no cookies, so it
meets what an anonymous visitor meets: the page cache (``content.cache``) after the first
request. The row "search, every query new (uncached)" shows the search without that cache:
every request asks one of fifty words of the demo content with a parameter of its own
(``&bench=<n>``), which the cache does not know and so never stores or serves (as any parameter
it does not know): every request is a full search and render. Its ratio is to the static file
of the cached search page's size (a little larger than the average uncached page).

With DATABASE_URL pointing at PostgreSQL it creates (and drops afterwards) its own database on
that server, never touching the one named, and an application role of its own: the server runs
as production does, migrating as the owner (MIGRATE_DATABASE_URL, the URL's user) and serving as
a role that owns nothing. Otherwise a temporary SQLite file; ``entrypoint.sh web`` needs those
PostgreSQL roles (``grant_app_role``), so on SQLite the bench runs the entrypoint's other steps
itself (collectstatic, setup_site) and the entrypoint's uvicorn command with the same options. With REDIS_URL
set the cache is Redis under a fresh key prefix (as in production), else local memory per worker.
"""

# Runs only our own fixed commands (manage.py, docker/entrypoint.sh, uvicorn) on our own files.
# ruff: noqa: S603

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import itertools
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
HOST = "127.0.0.1"
PAGES = {
    "home page": "/",
    "content page": "/wat-is-intrafamiliaal-geweld/",
    "search": "/zoeken/?q=geweld",
}
UNCACHED_SEARCH = "search, every query new (uncached)"
# Target per row: (minimum ratio to the static file's throughput, maximum p99 in ms).
TARGETS = {
    "home page": (0.5, 50.0),
    "content page": (0.5, 50.0),
    "search": (0.25, 200.0),
    UNCACHED_SEARCH: (0.25, 200.0),
}
# Fifty words of the demo content (content/demo_texts.py), each with at least two hits.
SEARCH_WORDS = [
    "geweld",
    "veilig",
    "intrafamiliaal",
    "politie",
    "vlaanderen",
    "kinderen",
    "aanpak",
    "parket",
    "contact",
    "gezinnen",
    "partnergeweld",
    "diensten",
    "professionals",
    "kindermishandeling",
    "zorgen",
    "centra",
    "casusregisseur",
    "hulpverlening",
    "consultvraag",
    "ouders",
    "ketenaanpak",
    "aanmelding",
    "vormen",
    "dienst",
    "betrokken",
    "casusregie",
    "mensen",
    "slachtoffer",
    "familie",
    "justitie",
    "fysiek",
    "partner",
    "iedereen",
    "antwerpen",
    "mechelen",
    "leuven",
    "welzijn",
    "centrum",
    "agenda",
    "gevaar",
    "advies",
    "psychisch",
    "seksueel",
    "oudermishandeling",
    "veiligheid",
    "jeugdhulp",
    "samenwerking",
    "verwaarlozing",
    "begeleiding",
    "slachtoffers",
]


@dataclass
class Result:
    name: str
    path: str
    size: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    cache_hits: int = 0  # responses the page cache served (X-Page-Cache: hit)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def uncached_search_path(number: int) -> str:
    """The ``number``-th request of the uncached row: a word in turn, a parameter of its own."""
    return f"/zoeken/?q={SEARCH_WORDS[number % len(SEARCH_WORDS)]}&bench={number}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(
    workdir: Path, port: int, workers: int, database: tuple[str, str] | None
) -> dict[str, str]:
    """The server's environment; ``database``: (owner URL, application role URL) on PostgreSQL."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "OPEN_BADGES_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "ALLOWED_HOSTS": HOST,
            "SECURE_SSL_REDIRECT": "false",  # loopback only; production sits behind TLS
            "DATABASE_URL": database[1] if database else f"sqlite:///{workdir / 'bench.sqlite3'}",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "WARNING",
            "PYTHON": PYTHON,
            "HOST": HOST,
            "PORT": str(port),
            "WEB_CONCURRENCY": str(workers),
        }
    )
    if database:
        env["MIGRATE_DATABASE_URL"] = database[0]
    else:
        env.pop("MIGRATE_DATABASE_URL", None)
    if env.get("REDIS_URL"):
        env["CACHE_KEY_PREFIX"] = f"bench-{secrets.token_hex(4)}"
    return env


@contextlib.contextmanager
def own_postgres_database() -> Iterator[tuple[str, str] | None]:
    """A fresh PostgreSQL database next to the one DATABASE_URL names, owned by that URL's
    user, and an application role that owns nothing: (owner URL, role URL); both dropped
    afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield None
        return
    import psycopg

    parts = urlsplit(url)
    suffix = secrets.token_hex(3)
    name, role = f"vh_bench_pages_{suffix}", f"vh_bench_app_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
        connection.execute(
            f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT'
        )
        connection.execute(f'GRANT CONNECT ON DATABASE "{name}" TO "{role}"')
    owner = urlunsplit(parts._replace(path=f"/{name}"))
    host = parts.netloc.rsplit("@", 1)[-1]
    try:
        yield owner, urlunsplit(parts._replace(netloc=f"{role}@{host}", path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'DROP ROLE IF EXISTS "{role}"')


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

    def command(self) -> list[str]:
        if self.env.get("MIGRATE_DATABASE_URL"):
            return ["bash", str(ROOT / "docker" / "entrypoint.sh"), "web"]
        # SQLite: the entrypoint's web command needs PostgreSQL roles; its uvicorn command, with
        # the same options, after the steps main() ran (migrate, collectstatic, setup_site).
        return [
            *(PYTHON, "-m", "uvicorn", "portal.asgi:application"),
            *("--host", HOST, "--port", self.env["PORT"]),
            *("--workers", self.env["WEB_CONCURRENCY"], "--lifespan", "off"),
            *("--no-proxy-headers", "--ws-max-size", "262144", "--no-server-header"),
        ]

    def __enter__(self) -> Server:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command(),
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
        return self.get_with_headers(path)[0]

    def get_with_headers(self, path: str) -> tuple[bytes, dict[str, str]]:
        with urllib.request.urlopen(self.base + path, timeout=10) as response:  # noqa: S310
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
            return response.read(), {k.lower(): v for k, v in response.headers.items()}


Paths = Callable[[int], str]


async def _connection(
    port: int,
    paths: Paths,
    counter: Iterator[int],
    stop_at: float,
    latencies: list[float],
    errors: list[int],
    hits: list[int],
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        while time.perf_counter() < stop_at:
            path = paths(next(counter))
            request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: vh-bench\r\n\r\n"
            started = time.perf_counter()
            writer.write(request.encode())
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
            if b"\r\nx-page-cache: hit" in headers:
                hits.append(1)
    finally:
        writer.close()


async def _drive(
    port: int, paths: Paths, counter: Iterator[int], connections: int, seconds: float
) -> tuple[list[float], list[int], int, float]:
    latencies: list[float] = []
    errors: list[int] = []
    hits: list[int] = []
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(
        *(
            _connection(port, paths, counter, stop_at, latencies, errors, hits)
            for _ in range(connections)
        )
    )
    return latencies, errors, len(hits), time.perf_counter() - started


def measure(
    name: str, port: int, path: str | Paths, size: int, connections: int, seconds: float
) -> Result:
    """``path``: one address for every request, or a function of the request's number."""
    paths: Paths = path if callable(path) else (lambda _number, fixed=path: fixed)
    counter = itertools.count()  # one sequence over warm-up and run: no path is asked twice
    asyncio.run(_drive(port, paths, counter, connections, 1.0))  # warm-up: caches, connections
    latencies, errors, hits, elapsed = asyncio.run(
        _drive(port, paths, counter, connections, seconds)
    )
    shown = path if isinstance(path, str) else paths(0)
    return Result(name, shown, size, len(latencies), len(errors), elapsed, latencies, hits)


def check_uncached_search(server: Server) -> int:
    """Every word finds something, outside the page cache; the mean size of those pages.
    (How many responses of each row the cache served is counted during the run itself.)"""
    sizes = []
    for number in range(len(SEARCH_WORDS)):
        path = uncached_search_path(number)
        body, headers = server.get_with_headers(path)
        if b'<ol class="search-results">' not in body:
            raise SystemExit(f"{path} finds nothing; pick another word")
        if "x-page-cache" in headers:
            raise SystemExit(f"{path} went through the page cache ({headers['x-page-cache']})")
        sizes.append(len(body))
    return round(statistics.fmean(sizes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="vh-bench-") as tmp,
        own_postgres_database() as database,
    ):
        workdir = Path(tmp)
        port = free_port()
        env = server_env(workdir, port, args.workers, database)
        log = workdir / "server.log"
        print(
            f"Preparing a fresh database and the demo site ({env['DATABASE_URL'].split(':')[0]}, "
            f"cache {'redis' if 'REDIS_URL' in env else 'local memory'}) ...",
            flush=True,
        )
        # The schema and the demo content as the owner (on PostgreSQL the server's role only
        # gets rows, from grant_app_role in the entrypoint).
        owner = {**env, "DATABASE_URL": env.get("MIGRATE_DATABASE_URL", env["DATABASE_URL"])}
        manage(owner, "migrate", "--noinput")
        manage(
            owner,
            "shell",
            "-c",
            "from content.demo_site import ensure_demo_site; ensure_demo_site()",
        )
        # In production the search index follows publications through the task worker, which
        # the bench does not run: index the demo content once, as ``update_index`` does.
        manage(owner, "update_index")
        if not database:  # what entrypoint.sh web does before uvicorn (see Server.command)
            manage(env, "collectstatic", "--noinput", "-v0")
            manage(env, "setup_site")

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
                if path.startswith("/zoeken/") and b'<ol class="search-results">' not in body:
                    raise SystemExit(f"{path} finds nothing")
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
            uncached_size = check_uncached_search(server)
            results.append(
                measure(
                    UNCACHED_SEARCH,
                    port,
                    uncached_search_path,
                    uncached_size,
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
        f"{'target':<38}{'bytes':>8}{'requests':>10}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
    )
    for r in results:
        print(
            f"{r.name:<38}{r.size:>8}{r.requests:>10}{r.rps:>10.0f}{r.percentile(0.5):>9.1f}"
            f"{r.percentile(0.99):>9.1f}{r.errors:>8}"
        )
    print()
    for r in results:
        if r.name.startswith("search"):
            print(f"{r.name}: {r.cache_hits} of {r.requests} responses from the page cache")
    print()
    by_name = {r.name: r for r in results}
    static_of = {name: by_name[f"static file, {name} size"] for name in PAGES}
    static_of[UNCACHED_SEARCH] = static_of["search"]
    for name, static in static_of.items():
        page = by_name[name]
        ratio, p99 = page.rps / static.rps, page.percentile(0.99)
        minimum, ceiling = TARGETS[name]
        verdict = "meets" if ratio >= minimum and p99 < ceiling else "MISSES"
        print(
            f"{name}: {ratio:.2f} x the static file's throughput, p99 {p99:.1f} ms "
            f"({verdict} the target: >= {minimum:g} x and p99 < {ceiling:g} ms)"
        )
    pages = [by_name[name] for name in PAGES if not name.startswith("search")]
    mean = statistics.fmean(r.rps for r in pages)
    print(f"mean page throughput (home and content page) {mean:.0f} req/s")


if __name__ == "__main__":
    main()
