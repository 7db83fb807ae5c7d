"""A fixed-window counter in the shared cache, for the public forms' rate limits.

One implementation for every limit (consult questions per address, peer-support registrations
per address and per session): the cache is Redis in production, so the count holds across
worker processes.
"""

from __future__ import annotations

from django.core.cache import cache


def over_limit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more event under ``key``; True once more than ``limit`` fell in the window
    that began with the first of them."""
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        count = 1
    return count > limit
