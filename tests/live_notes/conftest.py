"""Live-notes fixtures: a fresh channel layer per test.

channels caches one layer instance per process; channels-redis binds its locks to the event
loop that first used it, and pytest-asyncio gives every test its own loop. A new instance per
test keeps tests on Redis independent. The fixture is synchronous so that it also works beside
Playwright's own event loop in the browser tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from channels.layers import channel_layers
from django.conf import settings


def _flush_redis() -> None:
    url = getattr(settings, "REDIS_URL", "")
    if url:
        import redis

        client = redis.Redis.from_url(url)
        prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"].get("prefix", "asgi")
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> Iterator[None]:
    channel_layers.backends.clear()
    _flush_redis()
    yield
    channel_layers.backends.clear()
