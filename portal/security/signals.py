"""Session bookkeeping at sign-in, and closing a user's live connections at sign-out."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from .sessions import AUTH_AT_KEY, SEEN_AT_KEY
from .sockets import close_user_sockets


@receiver(user_logged_in, dispatch_uid="security.stamp_session_at_login")
def stamp_session_at_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Start the idle and absolute clocks (Django has already rotated the session id)."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[AUTH_AT_KEY] = now
    request.session[SEEN_AT_KEY] = now


@receiver(user_logged_out, dispatch_uid="security.close_sockets_at_logout")
def close_sockets_at_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        close_user_sockets(user.pk)
