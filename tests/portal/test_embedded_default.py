"""The embedded default holds with several people at once: the real ASGI app under uvicorn (a
process of its own, development settings, as ``make run`` serves) on a SQLite *file* database
(the suite's own is in memory), two people typing live notes at the same time while an editor
publishes a page in the Wagtail admin and both note-takers load pages.

Before the SQLite options in ``portal/settings/base.py`` (WAL, immediate transactions, a busy
timeout) this failed with "database is locked": a deferred transaction that has read cannot
wait for the write lock, SQLite refuses it at once, so a keystroke batch or the publish failed
(the socket closed with 1011, the admin answered 500).

SQLite only: the file database is a copy (SQLite's backup API) of the suite's migrated one.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from wagtail.models import Locale, Page
from wagtail.test.utils.form_data import nested_form_data, streamfield

from collaboration.live_notes import document
from content.models import HomePage
from portal.accounts.models import User
from tests.factories.people import VerifiedUserFactory
from tests.live_notes.netclient import NetClient
from tests.live_notes.world import build_world, session_cookie, signed_in_client

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = (
    300.0  # an upper bound for the waits, server start included (speed is measured in bench/)
)

ON_SQLITE = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the embedded default is SQLite (the file database is a copy of the suite's)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(predicate, deadline: float, what: str) -> None:
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _serving(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
    except OSError:
        return False
    return True


@pytest.fixture
def file_database(transactional_db: None, tmp_path: Path) -> Path:
    return tmp_path / "db.sqlite3"


def _copy_database(target: Path) -> None:
    """The suite's migrated in-memory database, with what the test made, into a file."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


@pytest.fixture
def served(file_database: Path, tmp_path: Path) -> Iterator[dict]:
    """Start uvicorn on ``file_database`` once the test has filled it (call the yielded
    ``start``); stopped at the end, its log kept for the assertions."""
    port = _free_port()
    log = tmp_path / "server.log"
    state: dict = {"port": port, "log": log, "process": None}

    def start(deadline: float) -> str:
        _copy_database(file_database)
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "PORTAL_BASE_URL"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.dev",
            DATABASE_URL=f"sqlite:///{file_database}",
            # The suite signed the sessions with its key; the server must read them.
            SECRET_KEY=settings.SECRET_KEY,
            PORT=str(port),
            PYTHONUNBUFFERED="1",
        )
        handle = log.open("w")
        state["process"] = subprocess.Popen(  # noqa: S603
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
            ],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        _wait_for(
            lambda: _serving(port) or state["process"].poll() is not None, deadline, "uvicorn"
        )
        assert state["process"].poll() is None, log.read_text()
        return f"127.0.0.1:{port}"

    state["start"] = start
    try:
        yield state
    finally:
        process = state["process"]
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _stored_text(database: Path, meeting_id: int) -> str:
    """What the file database holds for the meeting's notes (snapshot + pending updates)."""
    db = sqlite3.connect(database)
    try:
        snapshot = db.execute(
            "SELECT state FROM live_notes_notesnapshot WHERE meeting_id = ? ORDER BY id DESC",
            [meeting_id],
        ).fetchone()
        pending = db.execute(
            "SELECT data FROM live_notes_noteupdate WHERE meeting_id = ? AND snapshot_id IS NULL"
            " ORDER BY id",
            [meeting_id],
        ).fetchall()
    finally:
        db.close()
    parts = ([bytes(snapshot[0])] if snapshot else []) + [bytes(row[0]) for row in pending]
    return document.plain_text(document.merge(parts))


def _pages_titled(database: Path, title: str) -> list[tuple[int, int]]:
    db = sqlite3.connect(database)
    try:
        return db.execute(
            "SELECT id, live FROM wagtailcore_page WHERE title = ?", [title]
        ).fetchall()
    finally:
        db.close()


def _http_session(host: str, cookie: str | None) -> requests.Session:
    """A browser-like session: the signed-in cookie and a CSRF cookie it also sends back."""
    http = requests.Session()
    token = secrets.token_hex(16)  # 32 characters: Django accepts an unmasked secret
    if cookie:
        http.cookies.set(settings.SESSION_COOKIE_NAME, cookie, domain="127.0.0.1")
    http.cookies.set(settings.CSRF_COOKIE_NAME, token, domain="127.0.0.1")
    http.headers.update({"X-CSRFToken": token, "Origin": f"http://{host}"})
    return http


def _editor_and_home() -> tuple[User, HomePage]:
    """A superuser editor, and a home page to publish under."""
    editor = VerifiedUserFactory(email="redacteur@test.example", full_name="Rita Redacteur")
    editor.is_superuser = editor.is_staff = True
    editor.save()
    # A transactional test before this one may have flushed Wagtail's root and locale.
    locale, _created = Locale.objects.get_or_create(language_code="nl-be")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = root.add_child(instance=HomePage(title="Thuis (test)", slug="thuis-test"))
    return editor, home


def _publish(host: str, cookie: str, home_pk: int, title: str, sentence: str) -> int:
    """An editor publishes a standard page under the home page through the CMS."""
    http = _http_session(host, cookie)
    data = nested_form_data(
        {
            "title": title,
            "slug": "gepubliceerd-tijdens-het-typen",
            "intro": sentence,
            "body": streamfield([]),
            "seo_title": "",
            "search_description": "",
            "action-publish": "publish",
        }
    )
    response = http.post(
        f"http://{host}/cms/pages/add/content/standardpage/{home_pk}/",
        data=data,
        allow_redirects=False,
        timeout=30,
    )
    return response.status_code


def _sign_up(host: str) -> int:
    """A learner signs up (anonymous); the verification mail goes to the console."""
    http = _http_session(host, None)
    response = http.post(
        f"http://{host}/account/registreren/",
        data={
            "full_name": "Lena Lerende",
            "email": "lena.lerende@test.example",
            "password1": "een-ander-lang-wachtwoord-77",
            "password2": "een-ander-lang-wachtwoord-77",
        },
        allow_redirects=False,
        timeout=30,
    )
    return response.status_code


@ON_SQLITE
@pytest.mark.django_db(transaction=True)
def test_two_note_takers_and_a_publish_at_once_on_sqlite(served: dict, file_database) -> None:
    started = time.monotonic()
    deadline = started + DEADLINE
    world = build_world()
    editor, home = _editor_and_home()
    cookies = {
        user.pk: session_cookie(signed_in_client(user))
        for user in (world.director, world.partner, editor)
    }
    host = served["start"](deadline)
    ws_url = f"ws://{host}/ws/samenwerking/overleg/{world.meeting.pk}/notities"
    cookie_header = {pk: f"{settings.SESSION_COOKIE_NAME}={value}" for pk, value in cookies.items()}
    title = f"Gepubliceerd tijdens het typen {secrets.token_hex(4)}"
    sentence = "Deze zin staat er precies één keer."

    def load_meeting_page(user_pk: int) -> list[int]:
        http = _http_session(host, cookies[user_pk])
        return [
            http.get(
                f"http://{host}/samenwerking/overleg/{world.meeting.pk}/", timeout=30
            ).status_code
            for _ in range(3)
        ]

    async def scenario() -> dict:
        ria = NetClient(ws_url, cookie=cookie_header[world.director.pk], origin=f"http://{host}")
        pieter = NetClient(ws_url, cookie=cookie_header[world.partner.pk], origin=f"http://{host}")
        await ria.connect()
        await pieter.connect()
        left = deadline - time.monotonic()
        assert await ria.until(lambda: ria.synced.is_set() and pieter.synced.is_set(), left)

        async def type_words(client: NetClient, who: str, count: int) -> list[str]:
            words = [f"{who}{i} " for i in range(count)]
            for word in words:
                assert not client._reader.done(), f"the server closed {who}'s socket"
                await client.append(word)
                await asyncio.sleep(0.002)
            return words

        def has_all(client: NetClient, words: list[str]) -> bool:
            # A closed socket ends the wait at once (the assertion then fails with the log).
            return client._reader.done() or all(word in client.value for word in words)

        results = await asyncio.gather(
            type_words(ria, "r", 150),
            type_words(pieter, "p", 150),
            asyncio.to_thread(_publish, host, cookies[editor.pk], home.pk, title, sentence),
            asyncio.to_thread(load_meeting_page, world.director.pk),
            asyncio.to_thread(load_meeting_page, world.partner.pk),
            asyncio.to_thread(_sign_up, host),
        )
        typed = results[0] + results[1]
        # Both see everything both typed (each relay arrives only after its commit).
        left = deadline - time.monotonic()
        await ria.until(lambda: has_all(ria, typed), left)
        await pieter.until(lambda: has_all(pieter, typed), left)
        assert not ria._reader.done() and not pieter._reader.done(), (
            "a socket was closed",
            served["log"].read_text(),
        )
        assert all(word in ria.value for word in typed), "ria is missing text"
        assert all(word in pieter.value for word in typed), "pieter is missing text"
        # Text typed just before the window closes: sent, then the socket is closed at once.
        await pieter.append("laatste woorden")
        await pieter.close()
        await ria.close()
        return {"typed": [*typed, "laatste woorden"], "status": results[2:]}

    outcome = asyncio.run(scenario())
    # The server stores what was queued before it forgets a closed connection.
    _wait_for(
        lambda: "laatste woorden" in _stored_text(file_database, world.meeting.pk),
        deadline,
        "the last words to be stored",
    )
    stored = _stored_text(file_database, world.meeting.pk)
    log = served["log"].read_text()

    assert "database is locked" not in log, log
    assert "Internal Server Error" not in log and "Traceback" not in log, log
    assert outcome["status"][0] == 302, (outcome["status"], log)
    assert outcome["status"][1] == [200, 200, 200] and outcome["status"][2] == [200, 200, 200]
    # The sign-up mail (console backend) links to the port served, not to 8000.
    assert outcome["status"][3] == 302, (outcome["status"], log)
    links = re.findall(r"http://[\w.:\[\]-]+/account/registreren/bevestigen/", log)
    assert links == [f"http://{host}/account/registreren/bevestigen/"], log
    missing = [word for word in outcome["typed"] if word not in stored]
    assert missing == [], f"not stored: {missing}"
    pages = _pages_titled(file_database, title)
    assert len(pages) == 1 and pages[0][1] == 1, pages  # published, once
    assert re.search(r"\b200\b", log)  # the access log ran: the server really answered


def _dev_settings(**environ: str) -> dict:
    """The development settings as a fresh process sees them with ``environ``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PORT", "PORTAL_BASE_URL", "WAGTAILADMIN_BASE_URL", "CSRF_TRUSTED_ORIGINS"}
    }
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.dev", **environ)
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'base': s.PORTAL_BASE_URL, 'admin': s.WAGTAILADMIN_BASE_URL, "
        "'csrf': s.CSRF_TRUSTED_ORIGINS, 'db': s.DATABASES['default'].get('OPTIONS', {})}))"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_mail_links_and_trusted_origins_follow_port() -> None:
    served = _dev_settings(PORT="8080")
    assert served["base"] == served["admin"] == "http://127.0.0.1:8080"
    assert served["csrf"] == ["http://127.0.0.1:8080", "http://localhost:8080"]
    default = _dev_settings()
    assert default["base"] == "http://127.0.0.1:8000"
    assert default["csrf"] == ["http://127.0.0.1:8000", "http://localhost:8000"]
    chosen = _dev_settings(PORT="8080", PORTAL_BASE_URL="https://portaal.test")
    assert chosen["base"] == chosen["admin"] == "https://portaal.test"


def test_make_serve_passes_port_to_the_server() -> None:
    """`PORT=8080 make run` (or `make run PORT=8080`) hands PORT to the served process."""
    recipe = subprocess.run(
        ["make", "-n", "--no-print-directory", "serve", "PORT=8080"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "PORT=8080 " in recipe and "--port 8080" in recipe


def test_sqlite_waits_for_the_lock_instead_of_failing() -> None:
    """Every SQLite connection runs in WAL with a busy timeout and immediate transactions."""
    options = _dev_settings(DATABASE_URL="sqlite:////tmp/nowhere.sqlite3")["db"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10
    assert "journal_mode=WAL" in options["init_command"]
    assert "busy_timeout=" in options["init_command"]
