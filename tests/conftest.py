"""Shared fixtures: people, second-factor devices, verified clients, the case-workspace world,
the training index and a headless browser. The builders behind them are in tests/factories.

Everything here uses the real components (database, middleware, django-otp devices); nothing
of our own is mocked.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from content.training.models import CoursePage, TrainingIndexPage
from portal.accounts.models import User
from tests.factories.courses import CoursePageFactory, publish
from tests.factories.people import PASSWORD, TOTPDeviceFactory, UserFactory, verify_session
from tests.factories.worlds import World, build_case_world
from tests.postgres_only import pytest_terminal_summary, skip_unless_postgresql

__all__ = ["pytest_terminal_summary"]  # a hook: pytest finds it in this module

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session", autouse=True)
def fresh_cache() -> Iterator[None]:
    """Start every run with an empty cache: on Redis the sign-in throttle, the rate limits and
    cached pages outlive a run, and a second run (CI's next one) would inherit them."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """``UserFactory`` as a fixture: a new person (password ``PASSWORD``) per call."""

    def _make(email: str | None = None, password: str = PASSWORD, **extra: Any) -> User:
        if email:
            extra["email"] = email
        return UserFactory(password=password, **extra)

    return _make


@pytest.fixture
def make_device(db: Any) -> Callable[[User], TOTPDevice]:
    def _make(user: User) -> TOTPDevice:
        return TOTPDeviceFactory(user=user)

    return _make


@pytest.fixture
def verified_client(make_user: Callable[..., User], make_device: Callable) -> Callable[..., Client]:
    """A client signed in and verified with a second factor, for a new or given user."""

    def _make(user: User | None = None) -> Client:
        user = user or make_user()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or make_device(user)
        # A device change elsewhere rotates the session stamp in the database; a stale instance
        # would give a session that is void from its first request.
        user.refresh_from_db()
        client = Client()
        client.force_login(user)
        verify_session(client, device)
        return client

    return _make


@pytest.fixture
def world(db: Any, settings: Any, tmp_path: Any) -> World:
    """The case-workspace world (tests/factories/worlds.py), with documents in a fresh folder."""
    settings.CASE_DOCUMENTS_ROOT = str(tmp_path / "private")
    return build_case_world()


@pytest.fixture
def home(db: Any) -> Any:
    """The site's home page. After another test's flush (transactional tests empty every table,
    migration data included) the Wagtail locale and root page are made again first."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page

    from content.demo import ensure_home_page

    locale, _created = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return ensure_home_page()


@pytest.fixture
def index(home: Any) -> TrainingIndexPage:
    return publish(home, TrainingIndexPage(title="Vorming", slug="vorming"))


@pytest.fixture
def make_course(index: TrainingIndexPage) -> Callable[..., CoursePage]:
    """``CoursePageFactory`` under the training index: ``make_course(lessons=2, quiz=True)``."""

    def _make(**extra: Any) -> CoursePage:
        return CoursePageFactory(parent=index, **extra)

    return _make


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install it.")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the ORM calls a browser test
    # makes are still plain synchronous calls, so Django's async guard may stand down there.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="nl-BE")
    tab = context.new_page()
    yield tab
    context.close()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Run browser tests last. Playwright's sync API keeps an event loop running in the main
    thread for the rest of the session (the ``browser`` fixture is session-scoped), and every
    async test after it would fail with "Runner.run() cannot be called from a running event
    loop"."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    skip_unless_postgresql(items)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[str]:
    """The real ASGI application (HTTP and WebSockets) under uvicorn in a thread, on the test
    database and a fresh channel layer; yields its base URL. For browser tests that need live
    notes; ``live_server`` serves HTTP only."""
    import threading

    import uvicorn
    from channels.layers import channel_layers

    from portal.asgi import application

    # channels caches one layer per process, bound to the event loop that first used it.
    channel_layers.backends.clear()
    port = _free_port()
    config = uvicorn.Config(
        application,
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        ws="websockets",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    channel_layers.backends.clear()
    # Consumers reach the database through asgiref's one shared worker thread, whose
    # persistent connection (CONN_MAX_AGE) would outlive the server and keep PostgreSQL from
    # dropping the test database at the end of the session.
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=10)
