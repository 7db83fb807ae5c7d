"""Whole-page cache for anonymous visitors, purged by any publication.

Why our own and not Django's per-site cache: that one keys on cookies and caches whatever it
is given; here a response is stored only when the page itself said it may be (``mark_cacheable``,
called from ``BasePage.serve`` outside previews) *and* the request carried no session or
messages cookie. Signed-in users, editors (the Wagtail user bar), previews, forms with a CSRF
token, query strings and every protected area are never stored or served from here.

The one query string that is cached: the public search (``/zoeken/``, ``/en/zoeken/``). Its key
is host + path + the query as typed (trimmed) + the page number, which is exactly what the view
renders from (it searches the query's words and shows the query as the visitor typed it), so
"Geweld!" and "geweld" are two entries with the same results. Any other parameter, a repeated one, a ``pagina`` that is not a number,
or a query the view would answer with a remark about it (too long, no words) is not cached. The
key is a SHA-256 digest: what people search for is not readable from the cache's keys (the stored
page shows it, as it does to the visitor; the entries live only in the server's own cache).

Flooding: the search is the only cached page whose address a visitor chooses freely, so an
attacker can ask for as many different results pages as he likes. Three bounds keep that from
filling the cache (or, worse, from crowding out what shares it: sign-in throttle counters and
the ordinary pages):

* only short queries are stored (``SEARCH_MAX_CHARS`` characters, ``SEARCH_MAX_WORDS`` words, page
  ``SEARCH_MAX_PAGE`` at most); longer ones are searched but not stored;
* results pages live in a fixed number of slots (``search_slots()``): the digest picks a slot
  and the entry keeps the digest, so a new query overwrites what was in its slot and never adds
  an entry. The cache holds at most that many results pages, whatever is sent: 1,000 on Redis
  (about 8 MB: a results page of the demo site is 5-8 KB); on local memory a fifth of
  ``MAX_ENTRIES`` (60 of Django's default 300, per worker), so that a flood cannot make LocMem
  cull the throttle counters;
* every entry expires after ``TIMEOUT_SECONDS`` like any page, and Redis' own ``maxmemory``
  policy and LocMem's ``MAX_ENTRIES`` remain the last bound. The slots are what we rely on:
  our Redis (docker-compose.yml) has no ``maxmemory`` configured, so nothing is evicted there.

An attacker who floods the slots only evicts other results pages: search then costs what it
costs uncached (``bench/public_pages.py`` measures both).

Purging: every entry records the cache "generation" it was made in; publishing, unpublishing,
moving or deleting a page, or changing a snippet or site setting, bumps the generation
(``content.signals``). Menus and footers appear on every page, so one change invalidates all.
The generation and the entry are read in one ``get_many`` (one round trip to Redis).

Wired in ``settings.MIDDLEWARE`` just before django-csp: the outer middleware (security headers,
Permissions-Policy, frame options) still runs on cached responses; the CSP header is stored with
the page (building it costs more than the rest of a hit); everything inner (sessions, auth,
second factor, the view) is skipped on a hit.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import cache as once
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from content.search_query import normalised_query, page_number

GENERATION_KEY = "content:page-cache:generation"
# v2: an entry is (generation, headers, content, digest); the digest tells a search slot's
# current occupant from the query asked.
_PREFIX = "content:page-cache:v2"
TIMEOUT_SECONDS = 10 * 60
SEARCH_MAX_CHARS = 100
SEARCH_MAX_WORDS = 6
SEARCH_MAX_PAGE = 20
_SEARCH_PARAMETERS = frozenset({"q", "pagina"})
CACHEABLE_ATTRIBUTE = "_content_anonymous_cacheable"
HEADER = "X-Page-Cache"
_NEVER_PREFIXES = ("/account/", "/static/", "/media/", "/i18n/", "/documenten/", "/healthz")
_STORED_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Vary",
    "Last-Modified",
    # Computed once by django-csp (inner to this middleware) and kept with the page it protects.
    "Content-Security-Policy",
    "Content-Security-Policy-Report-Only",
)


def mark_cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Let the middleware store ``response``, unless it is a preview."""
    if not getattr(request, "is_preview", False):
        setattr(response, CACHEABLE_ATTRIBUTE, True)
    return response


def current_generation() -> Any:
    """The publication generation, started if the cache has none.

    Never started from a fixed number: after an eviction of the generation key, entries of an
    older generation must not become valid again. Also read by ``content.footer``.
    """
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY)
    return generation


def bump_generation() -> None:
    """Invalidate every cached page (called on publication; see ``content.signals``)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), None)


@once
def _search_paths() -> frozenset[str]:
    """The search page's path in every language (``/zoeken/``, ``/en/zoeken/``)."""
    paths = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths.add(reverse("content_search"))
    return frozenset(paths)


@once
def search_slots() -> int:
    """How many results pages the cache holds at most (see the module docstring)."""
    options = settings.CACHES["default"]
    if options["BACKEND"].endswith("LocMemCache"):
        return max(1, int(options.get("OPTIONS", {}).get("MAX_ENTRIES", 300)) // 5)
    return 1000


def _search_variant(request: HttpRequest) -> str | None:
    """The part of a search's key that its query string gives, or None: not cacheable."""
    query = request.GET
    if not set(query) <= _SEARCH_PARAMETERS or any(len(query.getlist(n)) > 1 for n in query):
        return None
    raw = query.get("q", "").strip()
    words = normalised_query(raw)
    if len(raw) > SEARCH_MAX_CHARS or len(words.split()) > SEARCH_MAX_WORDS or (raw and not words):
        return None
    number = 1
    if words and "pagina" in query:
        parsed = page_number(query["pagina"])
        if parsed is None or not 1 <= parsed <= SEARCH_MAX_PAGE:
            return None
        number = parsed
    # The typed query, not its words: the page shows it as typed (content.views.search), so
    # "Geweld!" and "geweld" are two entries with the same results and their own echo.
    return f"q={raw}&pagina={number}"


def _key(request: HttpRequest) -> tuple[str, str] | None:
    """(cache key, digest) for ``request``, or None when its query string rules it out."""
    if request.path_info in _search_paths():
        variant = _search_variant(request)
        if variant is None:
            return None
        digest = hashlib.sha256(f"{request.get_host()}|{request.path}|{variant}".encode())
        hexdigest = digest.hexdigest()
        return f"{_PREFIX}:search:{int(hexdigest[:12], 16) % search_slots()}", hexdigest
    if request.META.get("QUERY_STRING"):
        return None
    hexdigest = hashlib.sha256(f"{request.get_host()}|{request.path}".encode()).hexdigest()
    return f"{_PREFIX}:{hexdigest}", hexdigest


def _anonymous_without_state(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
    )


def _request_may_use_cache(request: HttpRequest) -> bool:
    protected = tuple(settings.SECOND_FACTOR_PROTECTED_PREFIXES)
    return (
        request.method in ("GET", "HEAD")
        and not request.path_info.startswith(_NEVER_PREFIXES + protected)
        and _anonymous_without_state(request)
    )


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        keyed = _key(request) if _request_may_use_cache(request) else None
        if keyed is None:
            return self.get_response(request)
        key, digest = keyed
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = current_generation()
        entry = found.get(key)
        if entry is not None and entry[0] == generation and entry[3] == digest:
            _, headers, content, _ = entry
            response = HttpResponse(content)
            for name, value in headers:
                response.headers[name] = value
            response.headers["Content-Length"] = str(len(content))
            response.headers[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if self._storable(request, response):
            headers = [
                (name, response.headers[name])
                for name in _STORED_HEADERS
                if name in response.headers
            ]
            cache.set(key, (generation, headers, response.content, digest), TIMEOUT_SECONDS)
            response.headers[HEADER] = "miss"
        return response

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        return (
            request.method == "GET"
            and getattr(response, CACHEABLE_ATTRIBUTE, False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            # A page that rendered a CSRF token belongs to one visitor, whatever it was marked.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "private" not in response.headers.get("Cache-Control", "")
            and "no-store" not in response.headers.get("Cache-Control", "")
            # The request did not pick up a session on the way (e.g. a sign-in in the view).
            and _anonymous_without_state(request)
            and not (hasattr(request, "user") and request.user.is_authenticated)
        )
