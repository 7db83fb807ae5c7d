"""Idle and absolute expiry of signed-in sessions (NIST 800-63B AAL2: 30 min idle, 12 h in all)."""

from __future__ import annotations

import time
from collections.abc import Mapping, MutableMapping
from typing import Any

from django.conf import settings

AUTH_AT_KEY = "vh_auth_at"
SEEN_AT_KEY = "vh_seen_at"
EXPIRED_FLAG_KEY = "vh_session_expired"
# Write the "last seen" time at most this often, so every request does not rewrite the session.
SEEN_AT_RESOLUTION_SECONDS = 30


def idle_limit_seconds(verified: bool) -> int:
    if verified:
        return int(settings.SESSION_IDLE_TIMEOUT.total_seconds())
    return int(
        getattr(
            settings, "SESSION_IDLE_TIMEOUT_UNVERIFIED", settings.SESSION_ABSOLUTE_TIMEOUT
        ).total_seconds()
    )


def session_is_expired(
    session: Mapping[str, Any], *, verified: bool, now: float | None = None
) -> bool:
    """True when the session is past its idle or absolute limit (or carries no clock at all)."""
    now = time.time() if now is None else now
    auth_at: float | None = session.get(AUTH_AT_KEY)
    seen_at: float | None = session.get(SEEN_AT_KEY)
    if auth_at is None or seen_at is None:
        return True
    if now - auth_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
        return True
    return now - seen_at > idle_limit_seconds(verified)


def touch(session: MutableMapping[str, Any], now: float | None = None) -> None:
    now = int(time.time() if now is None else now)
    if now - session.get(SEEN_AT_KEY, 0) >= SEEN_AT_RESOLUTION_SECONDS:
        session[SEEN_AT_KEY] = now
