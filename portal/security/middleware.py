"""HTTP middleware of the security spine.

``SecondFactorRequiredMiddleware`` is the one place that guards the collaboration area, the
Wagtail admin, the Django admin and the audit area: no view opts in by hand, so a new view
under a protected prefix is protected the day it is written.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

from portal.audit.events import AuditAction
from portal.audit.writer import record_event

from .policy import has_confirmed_device, is_protected_path, requires_second_factor
from .sessions import EXPIRED_FLAG_KEY, session_is_expired, touch

# Pages a signed-in user who still has to enrol or verify may reach.
_ALWAYS_ALLOWED_PREFIXES = (
    "/account/",
    "/static/",
    "/media/",
    "/i18n/",
    "/favicon.ico",
    "/healthz",
)


def _redirect_with_next(url_name: str, request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"
    )


class SessionExpiryMiddleware:
    """Sign out sessions that are idle too long or too old, and say why on the sign-in page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if session_is_expired(request.session, verified=user.is_verified()):
                record_event(
                    action=AuditAction.SESSION_EXPIRED,
                    actor=user,
                    object_type="user",
                    object_id=user.pk,
                )
                logout(request)
                request.session[EXPIRED_FLAG_KEY] = True
            else:
                touch(request.session)
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Protected areas need a user verified with a second factor in this session.

    - anonymous: to sign-in;
    - signed in with a password only and a device enrolled: to the code step;
    - signed in without a device: to enrolment. Users who must have a second factor (staff,
      members of a partner organisation, editors) see only the enrolment pages until enrolled.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._gate(request)
        return response if response is not None else self.get_response(request)

    def _gate(self, request: HttpRequest) -> HttpResponse | None:
        path = request.path_info
        user = request.user
        if path.startswith(_ALWAYS_ALLOWED_PREFIXES):
            return None
        if not user.is_authenticated:
            if is_protected_path(path):
                return _redirect_with_next(settings.LOGIN_URL, request)
            return None
        if user.is_verified():
            return None
        if not (is_protected_path(path) or requires_second_factor(user)):
            return None
        if has_confirmed_device(user):
            return _redirect_with_next("accounts:verify", request)
        return _redirect_with_next("two_factor:setup", request)


class NoStoreMiddleware:
    """No browser, proxy or shared cache keeps a copy of what a signed-in user saw, or of any
    page of a protected area or of ``/account/``: every such response says
    ``Cache-Control: no-store, private``. One place, so a new view cannot forget it; pages of
    anonymous visitors keep their caching (``content.cache``), static files never pass here.

    Placed just inside ``SessionMiddleware``, so the redirects and refusals of the middleware
    further in (second-factor gate, CSRF, lockout) get the header too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefixes = (*settings.SECOND_FACTOR_PROTECTED_PREFIXES, "/account/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path_info.startswith(self.prefixes) or getattr(user, "is_authenticated", False):
            patch_cache_control(response, no_store=True, private=True)
        return response


class PermissionsPolicyMiddleware:
    """Django has no setting for Permissions-Policy; this adds it to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.value = settings.PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class AdminStylePolicyMiddleware:
    """The Wagtail and Django admins use inline styles; allow those there, never inline script.

    Sits after ``CSPMiddleware`` in MIDDLEWARE, so its response hook runs first and django-csp
    reads ``_csp_update`` when it builds the header.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefixes = tuple(settings.CSP_ADMIN_PREFIXES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith(self.prefixes):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}  # type: ignore[attr-defined]
        return response
