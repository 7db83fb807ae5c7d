"""Fixtures for the public site: the demo site built with the real builder (once per run), and an empty cache
(the anonymous page cache lives in the local-memory cache, which outlives a test's database)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from content.demo_site import ensure_demo_site
from content.models import HomePage


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def dutch_after_each_test() -> Iterator[None]:
    """Back to the default language: a request to /en/ leaves English active in the thread,
    and the next test's ``reverse()`` would give /en/ addresses."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def demo_site_built(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Build the demo site once per run, committed, before any test's transaction begins.

    Building it takes 10-20 s; the tests that roll back (most) all see this one copy. A test
    with a transactional database flushes it at its end, so ``demo_site`` below completes it
    again (0.5 s when it is there, the full build when a flush removed it)."""
    with django_db_blocker.unblock():
        ensure_demo_site()


@pytest.fixture
def demo_site(demo_site_built: None, db: Any) -> HomePage:
    return ensure_demo_site()
