"""Fixtures for the public site: the demo site built with the real builder, and an empty cache
(the anonymous page cache lives in the local-memory cache, which outlives a test's database)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from content.demo_site import ensure_demo_site
from content.models import HomePage


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_site(db: Any) -> HomePage:
    return ensure_demo_site()
