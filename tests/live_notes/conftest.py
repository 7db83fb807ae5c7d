"""Live-notes fixtures: a fresh channel layer per test.

channels caches one layer instance per process; channels-redis binds its locks to the event
loop that first used it, and pytest-asyncio gives every test its own loop. A new instance per
test (flushed after it) keeps tests on Redis independent of each other.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from channels.layers import channel_layers


@pytest.fixture(autouse=True)
async def fresh_channel_layer() -> AsyncIterator[None]:
    channel_layers.backends.clear()
    yield
    layer = channel_layers.backends.get("default")
    if layer is not None and hasattr(layer, "flush"):
        await layer.flush()
    channel_layers.backends.clear()
