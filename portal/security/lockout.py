"""Lockout of password and second-factor guessing through django-axes.

django-axes counts ``user_login_failed``, which Django sends for a wrong password only. A wrong
second-factor code is counted here explicitly, under the same account+address key, so guessing
codes locks the account out just as guessing passwords does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

MAX_USERNAME_LENGTH = 254  # an e-mail address (RFC 5321)


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The login name axes keys on: from the credentials, else from the (wizard) form."""
    username = None
    if credentials:
        username = credentials.get("username") or credentials.get("email")
    if not username and request is not None:
        data = getattr(request, "POST", {}) or {}
        username = data.get("auth-username") or data.get("username")
    if not isinstance(username, str):
        return username
    # axes keeps it in a 255-character column; no address is longer than 254 characters, and a
    # longer name sent by hand made the failed sign-in a server error on PostgreSQL.
    return username.strip().lower()[:MAX_USERNAME_LENGTH]


def record_second_factor_failure(request: HttpRequest, user: AbstractBaseUser) -> None:
    """Count a wrong code like a wrong password (django-axes listens to this signal)."""
    user_login_failed.send(
        sender=__name__,  # audit_events records this sender as a failed second factor
        credentials={"username": user.get_username()},
        request=request,
    )


def is_locked_out(request: HttpRequest, user: AbstractBaseUser) -> bool:
    locked: bool = AxesProxyHandler.is_locked(
        request, credentials={"username": user.get_username()}
    )
    return locked


def lockout_response(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    response: HttpResponse = get_lockout_response(
        request, credentials={"username": user.get_username()}
    )
    return response
