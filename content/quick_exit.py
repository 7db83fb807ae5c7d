"""Quick exit ("Snel weg"): the route every "Snel weg" control leads to.

Why a route of our own instead of linking straight to the neutral site: only a response from
our origin can tell the browser to forget what it holds for us. ``Clear-Site-Data`` drops our
cookies, the HTTP cache and every kind of storage (localStorage, sessionStorage, IndexedDB,
service workers); the session is flushed on the server as well, so a cookie that survived
(an old browser) opens nothing. Then the browser goes on to the neutral site editors chose.

A plain GET link on purpose: it must work without JavaScript, from a bookmark-free tab, on an
error page. The only thing a forged link can do is sign someone out, which any visitor may do.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

CLEAR_SITE_DATA = '"cache", "cookies", "storage"'
# Used when the setting cannot be read (database down) or holds something that is not http(s).
FALLBACK_URL = "https://www.meteo.be/nl/belgie"


def neutral_url(request: HttpRequest) -> str:
    """The editors' neutral site for this request's site, or the fallback."""
    try:
        from content.models import SiteContactSettings

        url = SiteContactSettings.for_request(request).quick_exit_url
    except Exception:  # the exit must work even when the settings cannot be read
        logger.warning("quick exit: settings unavailable, using the fallback address")
        return FALLBACK_URL
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return FALLBACK_URL
    return url


@require_safe
@never_cache
def leave(request: HttpRequest) -> HttpResponse:
    """End the session, tell the browser to forget this site, and send it to the neutral site."""
    target = neutral_url(request)
    try:
        logout(request)  # flushes the session on the server, signed in or not
    except Exception:  # never keep someone on the site because the session store failed
        logger.exception("quick exit: could not end the session")
    response = HttpResponse(status=303)
    response["Location"] = target
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    # The neutral site must not learn which page of ours the visitor came from.
    response["Referrer-Policy"] = "no-referrer"
    # For browsers without Clear-Site-Data: expire every cookie this request carried.
    for name in request.COOKIES:
        if name == settings.SESSION_COOKIE_NAME:
            response.delete_cookie(
                name,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        else:
            response.delete_cookie(name)
    return response
