"""Whole-page cache for anonymous visitors, purged by any publication.

Why our own and not Django's per-site cache: that one keys on cookies and caches whatever it
is given; here a response is stored only when the page itself said it may be (``mark_cacheable``,
called from ``BasePage.serve`` outside previews) *and* the request carried no session or
messages cookie. Signed-in users, editors (the Wagtail user bar), previews, forms with a CSRF
token, query strings and every protected area are never stored or served from here.

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

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

GENERATION_KEY = "content:page-cache:generation"
TIMEOUT_SECONDS = 10 * 60
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


def bump_generation() -> None:
    """Invalidate every cached page (called on publication; see ``content.signals``)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), None)


def _key(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.get_host()}|{request.path}".encode()).hexdigest()
    return f"content:page-cache:{digest}"


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
        and not request.META.get("QUERY_STRING")
        and not request.path_info.startswith(_NEVER_PREFIXES + protected)
        and _anonymous_without_state(request)
    )


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _request_may_use_cache(request):
            return self.get_response(request)
        key = _key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            # Never start from a fixed number: after an eviction of the generation key, entries
            # of an older generation must not become valid again.
            cache.add(GENERATION_KEY, time.time_ns(), None)
            generation = cache.get(GENERATION_KEY)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            _, headers, content = entry
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
            cache.set(key, (generation, headers, response.content), TIMEOUT_SECONDS)
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
