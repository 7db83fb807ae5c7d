"""Two ASGI server processes share one meeting through channels-redis and PostgreSQL: clients
on different processes see each other's edits, and a client who joins after everyone left
gets the whole text from the database. Needs DATABASE_URL (PostgreSQL) and REDIS_URL."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from .netclient import NetClient
from .world import build_world, session_cookie, signed_in_client

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (
            os.environ.get("DATABASE_URL", "").startswith("postgres")
            and os.environ.get("REDIS_URL")
        ),
        reason="needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def two_servers(transactional_db: None) -> Iterator[list[str]]:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        DATABASE_URL=_database_url(),
        CONN_MAX_AGE="0",
    )
    ports = [_free_port(), _free_port()]
    processes = [
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
        for port in ports
    ]
    try:
        for port in ports:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except OSError:
                    assert time.monotonic() < deadline, "server did not start"
                    time.sleep(0.2)
        yield [f"127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def test_clients_on_two_processes_share_the_meeting(two_servers: list[str]) -> None:
    world = build_world()
    cookies = {
        user.pk: f"{settings.SESSION_COOKIE_NAME}={session_cookie(signed_in_client(user))}"
        for user in (world.director, world.partner)
    }
    path = f"/ws/samenwerking/overleg/{world.meeting.pk}/notities"

    def client(host: str, user) -> NetClient:
        return NetClient(f"ws://{host}{path}", cookie=cookies[user.pk], origin=f"http://{host}")

    async def scenario() -> str:
        ria = client(two_servers[0], world.director)
        pieter = client(two_servers[1], world.partner)
        await ria.connect()
        await pieter.connect()
        assert await ria.until(lambda: ria.synced.is_set() and pieter.synced.is_set())
        for word in ("Ria ", "schrijft ", "op ", "proces ", "één. "):
            await ria.append(word)
        assert await pieter.until(lambda: pieter.value == "Ria schrijft op proces één. ")
        await pieter.append("Pieter op twee.")
        assert await ria.until(lambda: ria.value.endswith("Pieter op twee."))
        assert await ria.until(lambda: len(ria.present) == 2)
        await ria.close()
        await pieter.close()
        await asyncio.sleep(0.3)
        # Everyone left: a newcomer on either process gets the whole text from the database.
        late = client(two_servers[1], world.director)
        await late.connect()
        assert await late.until(lambda: late.synced.is_set())
        value = late.value
        await late.close()
        return value

    value = asyncio.run(scenario())
    assert value == "Ria schrijft op proces één. Pieter op twee."
    from collaboration.live_notes import document

    stored = document.plain_text(document.stored_update(world.meeting.pk))
    assert stored == value
