"""Throwaway services for the proof run: a private PostgreSQL cluster, a private Redis server and
production ASGI server processes, all on 127.0.0.1 and on free ports, all under one temp dir.

Nothing here touches the shared PostgreSQL cluster or the shared Redis: the fault tests restart
these private instances only.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = os.environ.get("PROOF_PYTHON") or str(ROOT / ".venv" / "bin" / "python")
if not Path(PYTHON).exists():
    PYTHON = sys.executable
DB_NAME = "vh_proof"
MAX_CONNECTIONS = 100  # as docker-compose.yml's PostgreSQL
REDIS_DB = 7


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_bin(name: str) -> str:
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found (PostgreSQL server binaries are needed)")
    return found


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Workdir:
    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="vh-proof-"))
        self.path.chmod(0o755)

    def cleanup(self) -> None:
        if os.environ.get("PROOF_KEEP"):
            print(f"(kept {self.path})")
            return
        shutil.rmtree(self.path, ignore_errors=True)


class Postgres:
    """A private cluster (initdb into the work dir); restartable without disturbing anyone."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.datadir = workdir / "pg"
        self.sockdir = workdir / "pgsock"
        self.logfile = workdir / "postgres.log"
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = list(args)
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True)  # noqa: S603

    def init(self) -> None:
        for directory in (self.datadir, self.sockdir):
            directory.mkdir()
            if self.as_postgres:
                pw = pwd.getpwnam("postgres")
                os.chown(directory, pw.pw_uid, pw.pw_gid)
        self.logfile.touch()
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.logfile, pw.pw_uid, pw.pw_gid)
        self._run(
            pg_bin("initdb"),
            "-D",
            str(self.datadir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.sockdir} -c listen_addresses=127.0.0.1 "
            # The same connection limit as docker-compose.yml's PostgreSQL.
            f"-c max_connections={MAX_CONNECTIONS} -c shared_buffers=128MB"
        )
        self._run(
            pg_bin("pg_ctl"),
            "-D",
            str(self.datadir),
            "-o",
            options,
            "-l",
            str(self.logfile),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(pg_bin("pg_ctl"), "-D", str(self.datadir), "-m", mode, "-w", "stop", check=False)

    def url(self, db: str = DB_NAME) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def psql(self, sql: str, db: str = "postgres") -> str:
        result = subprocess.run(  # noqa: S603
            [
                pg_bin("psql"),
                *("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db),
                *("-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()


class Redis:
    """A private redis-server without persistence; ``restart`` empties it, as a crash would."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.logfile = workdir / "redis.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(self.logfile),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock,
            ):
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/{REDIS_DB}"


class Stack:
    """The private services plus the production environment that points at them."""

    def __init__(self) -> None:
        self.workdir = Workdir()
        self.postgres = Postgres(self.workdir.path)
        self.redis = Redis(self.workdir.path)
        self.static_root = self.workdir.path / "static"
        self.secret = "proof-" + secrets.token_urlsafe(48)
        self.badges_key = base64.b64encode(secrets.token_bytes(32)).decode()
        self.servers: list[Server] = []
        self.workers: list[subprocess.Popen] = []

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.production",
            DEBUG="false",
            SECRET_KEY=self.secret,
            OPEN_BADGES_SIGNING_KEY=self.badges_key,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            CSRF_TRUSTED_ORIGINS="https://127.0.0.1,http://127.0.0.1",
            DATABASE_URL=self.postgres.url(),
            REDIS_URL=self.redis.url(),
            STATIC_ROOT=str(self.static_root),
            MEDIA_ROOT=str(self.workdir.path / "media"),
            SECURE_SSL_REDIRECT="false",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def manage(self, *args: str, timeout: float = 600, **env: str) -> None:
        started = time.monotonic()
        result = subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        print(f"   manage.py {args[0]}: {time.monotonic() - started:.1f} s", flush=True)

    def up(self) -> None:
        started = time.monotonic()
        self.postgres.init()
        self.postgres.start()
        self.postgres.psql(f"CREATE DATABASE {DB_NAME}")
        self.redis.start()
        print(
            f"   private PostgreSQL :{self.postgres.port}, Redis :{self.redis.port} "
            f"({time.monotonic() - started:.1f} s)",
            flush=True,
        )
        # collectstatic needs no database: let it run while migrate does
        collect = subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.manage("migrate", "--noinput")
        _out, err = collect.communicate(timeout=600)
        if collect.returncode != 0:
            raise RuntimeError(f"collectstatic failed:\n{err.decode()[-3000:]}")
        self.manage("setup_site")
        # Production refuses to load demo accounts (their password is published): the same
        # database, filled through the development settings.
        self.manage("load_demo_content", DJANGO_SETTINGS_MODULE="portal.settings.dev", DEBUG="true")

    def server(self, name: str, **env: str) -> Server:
        """A server process; ``env`` adds to (or overrides) the production environment."""
        server = Server(self, name, env)
        self.servers.append(server)
        return server

    def start_worker(self, name: str = "worker", **env: str) -> subprocess.Popen:
        log = open(self.workdir.path / f"{name}.log", "ab")  # noqa: SIM115
        # As docker/entrypoint.sh does: first put back what a killed worker left RUNNING.
        subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", "requeue_orphaned_tasks"],
            cwd=ROOT,
            env=self.env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=120,
        )
        process = subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=ROOT,
            env=self.env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(process)
        return process

    def down(self) -> None:
        for server in self.servers:
            server.kill()
        for worker in self.workers:
            if worker.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        self.redis.kill()
        self.postgres.stop("immediate")
        self.workdir.cleanup()


class Server:
    """One production ASGI process (uvicorn, one worker) as docker/entrypoint.sh starts it."""

    def __init__(self, stack: Stack, name: str, env: dict[str, str] | None = None) -> None:
        self.stack = stack
        self.name = name
        self.extra_env = dict(env or {})
        self.port = free_port()
        self.logfile = stack.workdir.path / f"{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: bool = True) -> None:
        log = open(self.logfile, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [
                PYTHON,
                "-m",
                "uvicorn",
                "portal.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "1",
                "--lifespan",
                "off",
                # As docker/entrypoint.sh: uvicorn leaves the client address alone; the portal's
                # one interpreter (portal/security/client_address.py) reads forwarding headers.
                "--no-proxy-headers",
                "--ws-max-size",
                "262144",
                "--no-server-header",
                "--no-access-log",
            ],
            cwd=ROOT,
            env=self.stack.env(**self.extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if wait:
            self.wait_up()

    def wait_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{log_tail(self.logfile)}")
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not come up:\n{log_tail(self.logfile)}")

    def kill(self) -> None:
        """SIGKILL, as a crashed or OOM-killed process: no clean shutdown of its sockets."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


@contextlib.contextmanager
def stack_up() -> Iterator[Stack]:
    stack = Stack()
    try:
        stack.up()
        yield stack
    finally:
        stack.down()
