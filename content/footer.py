"""The footer's contact address, kept per process between publications.

Why: the footer is on every page, signed-in pages included, and Wagtail's settings lookup costs
two queries there (the site for the host, then its settings row) on pages that need nothing
else from the site settings (the areas behind the second factor show no quick-exit bar). The
address is public site content, never case data, so one process may keep it for every user.

Purge: the entry records the anonymous page cache's generation (``content.cache``), which every
publication and every save of a site setting or site bumps (``content.signals``); reading the
generation is one cache round trip instead of two database queries. An entry also expires after
``MAX_AGE_SECONDS``, which bounds what a bump racing with an uncommitted save could leave stale.
When the cache cannot be read the address comes from the database, as before.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest

from content.cache import current_generation

logger = logging.getLogger(__name__)

MAX_AGE_SECONDS = 60.0
# Hosts are limited by ALLOWED_HOSTS (``get_host`` refuses others); a bound all the same.
MAX_ENTRIES = 64

_entries: dict[tuple[str, str], tuple[Any, float, str]] = {}
_lock = threading.Lock()


def _read(request: HttpRequest) -> str:
    from content.selectors import contact_settings

    try:
        return contact_settings(request).general_email or ""
    except ObjectDoesNotExist:
        # No site answers for this host (a database without one): no address, as the template
        # lookup this replaces gave (templates swallow DoesNotExist).
        return ""


def footer_mailbox(request: HttpRequest | None) -> str:
    """The site's general e-mail address for the footer ("" when none is set)."""
    if request is None:
        return ""
    if hasattr(request, "_wagtail_site"):
        # This request looked its site up already (a public page): the settings are one query
        # away at most and cached on the request; no reason to keep a copy.
        return _read(request)
    try:
        generation = current_generation()
    except Exception:  # the cache is down: the page still renders, from the database
        logger.warning("footer: cache unavailable, reading the site settings")
        return _read(request)
    key = (request.get_host(), str(request.get_port()))
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and entry[0] == generation and now - entry[1] < MAX_AGE_SECONDS:
        return entry[2]
    value = _read(request)
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[key] = (generation, now, value)
    return value


def forget() -> None:
    """Drop every kept address (tests that change the settings without a signal)."""
    with _lock:
        _entries.clear()
