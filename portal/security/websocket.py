"""The WebSocket side of the security spine.

django-otp's middleware runs for HTTP only; a WebSocket outlives the request that opened it.
Three pieces, from the outside in (``portal/asgi.py`` mounts the first two around every route):

- ``SameOriginWebsocketValidator``: the handshake's ``Origin`` must be the page's own origin,
  scheme, host *and* port, or one of ``CSRF_TRUSTED_ORIGINS``. Channels'
  ``AllowedHostsOriginValidator`` compared the host only and let ``https://127.0.0.1:1`` in.
- ``SecondFactorWebsocketMiddleware`` (inside Channels' ``AuthMiddlewareStack``): the handshake
  passes only for a session that ``check_session`` finds valid.
- ``SocketSession``: what an open socket keeps of that verdict. Consumers re-run
  ``check_session`` at every heartbeat and consult the cached verdict on every incoming
  message, so a password change, a rotated session stamp, a deleted session, a removed device
  and idle or absolute expiry all reach open sockets, without a database query per keystroke.

``check_session`` is the one rule, used by the handshake and by every heartbeat.

Socket activity and the idle clock: an open meeting page sends automatic traffic (awareness
renewals, resynchronisation, pings) whether or not anyone is there; that never counts as
activity, so an unattended tab still expires after the idle limit. *Edits* do count: someone
typing notes for 30 minutes in a meeting must not be cut off for not clicking a link. A
consumer reports edits with ``SocketSession.note_activity`` and the next heartbeat writes the
time of the last one into the session's seen-at (``sessions.touch``: at most every 30 s).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    load_backend,
)
from django.contrib.sessions.backends.base import UpdateError
from django.http.request import split_domain_port, validate_host
from django.utils.crypto import constant_time_compare
from django.utils.http import is_same_domain
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from .client_address import scope_is_secure

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
from .sessions import AUTH_AT_KEY, SEEN_AT_KEY, idle_limit_seconds, session_is_expired, touch

logger = logging.getLogger(__name__)

# Close codes (4000-4999 are ours to define). 4401: the handshake was refused, or the session
# behind an open socket is no longer a valid, verified session; the bundle does not retry.
CLOSE_NOT_VERIFIED = 4401


def session_check_interval() -> float:
    """Seconds between the session re-checks of an open socket (its heartbeat)."""
    return float(getattr(settings, "WEBSOCKET_SESSION_CHECK_SECONDS", 30))


# --- Origin ---------------------------------------------------------------------------------

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_key(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) with the default port filled in; None if it does not parse."""
    scheme = scheme.lower()
    if scheme not in _DEFAULT_PORTS or not netloc or "@" in netloc:
        return None
    host, port = split_domain_port(netloc)
    if not host:
        return None
    if not port:
        return scheme, host, _DEFAULT_PORTS[scheme]
    if not port.isdigit():
        return None
    return scheme, host, int(port)


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    values: list[bytes] = [value for key, value in scope.get("headers", []) if key == name]
    if len(values) != 1:
        return None  # absent, or sent twice: never guess which one counts
    try:
        return values[0].decode("latin1")
    except UnicodeDecodeError:  # pragma: no cover - latin1 decodes every byte
        return None


def _is_secure(scope: dict[str, Any]) -> bool:
    """wss, or what Django's HTTP side would call secure behind the TLS proxy: the proxy's
    X-Forwarded-Proto counts, a client's own does not (portal/security/client_address.py)."""
    return scope_is_secure(scope)


def origin_is_allowed(scope: dict[str, Any]) -> bool:
    """The handshake's ``Origin`` is the connection's own origin, or a trusted one.

    Own origin: http(s) for ws(s), the ``Host`` header (which must be in ``ALLOWED_HOSTS``),
    ports compared with their defaults filled in. Trusted: an entry of
    ``CSRF_TRUSTED_ORIGINS`` (``https://*.example.org`` matches subdomains, as for Django's
    CSRF check). No ``Origin``, ``null`` or two of them: refused; browsers always send one.
    """
    origin_header = _header(scope, b"origin")
    if not origin_header or origin_header == "null":
        return False
    origin = urlsplit(origin_header)
    if origin.path or origin.query or origin.fragment:
        return False
    origin_key = _origin_key(origin.scheme, origin.netloc)
    if origin_key is None:
        return False
    host = _header(scope, b"host")
    if host and validate_host(split_domain_port(host)[0], settings.ALLOWED_HOSTS):
        own = _origin_key("https" if _is_secure(scope) else "http", host)
        if own is not None and own == origin_key:
            return True
    for trusted in getattr(settings, "CSRF_TRUSTED_ORIGINS", []):
        parts = urlsplit(trusted)
        if parts.netloc.startswith("*."):
            wildcard = _origin_key(parts.scheme, parts.netloc[1:].lstrip("."))
            if (
                wildcard is not None
                and origin_key[0] == wildcard[0]
                and origin_key[2] == wildcard[2]
                and is_same_domain(origin_key[1], "." + wildcard[1])
            ):
                return True
        elif _origin_key(parts.scheme, parts.netloc) == origin_key:
            return True
    return False


class SameOriginWebsocketValidator:
    """Refuses a WebSocket handshake whose Origin is not the site's own (``origin_is_allowed``):
    a page elsewhere cannot open a socket with the visitor's session cookie."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            return await self.application(scope, receive, send)
        if origin_is_allowed(scope):
            return await self.application(scope, receive, send)
        # types-channels wants its TypedDict scope; this middleware handles the raw ASGI dict.
        return await WebsocketDenier()(scope, receive, send)  # type: ignore[arg-type]


# --- Session ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionVerdict:
    """What ``check_session`` found. ``expires_at`` (epoch seconds) is when a valid session
    reaches its idle or absolute limit unless someone is active before then."""

    valid: bool
    reason: str = ""
    expires_at: float = 0.0


def _refused(reason: str) -> SessionVerdict:
    return SessionVerdict(valid=False, reason=reason)


def _hash_matches(session_hash: object, user: AbstractBaseUser) -> bool:
    if not isinstance(session_hash, str) or not session_hash:
        return False
    if constant_time_compare(session_hash, user.get_session_auth_hash()):
        return True
    # A SECRET_KEY rotation: Django's HTTP side still accepts (and renews) such a session.
    return any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    )


def check_session(
    session_key: str | None,
    user_id: int | None,
    *,
    now: float | None = None,
    activity_at: float | None = None,
) -> SessionVerdict:
    """Whether ``session_key`` is still a valid, second-factor session of ``user_id``.

    Read fresh from the session store and the database, never from a socket's copy:
    - the session still exists (not signed out, flushed or cycled) and is ``user_id``'s;
    - the user still authenticates through the session's backend (an account switched off
      does not), and the session's hash matches ``get_session_auth_hash()`` (a password change
      or a rotated session stamp voids it);
    - the verified device still exists, is confirmed and belongs to the user;
    - the session is within its idle and absolute limits at ``now``.
    ``activity_at`` is the time of the socket's last edit: if the session was valid then, it
    counts as activity for the idle clock (written into the session, see the module docstring).
    """
    now = time.time() if now is None else now
    if not session_key or user_id is None:
        return _refused("no session")
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    data = {key: store.get(key) for key in (SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY)}
    if store.session_key is None or data[SESSION_KEY] is None:
        return _refused("session gone")
    if str(data[SESSION_KEY]) != str(user_id):
        return _refused("another user's session")
    backend_path = data[BACKEND_SESSION_KEY]
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return _refused("unknown backend")
    user = load_backend(backend_path).get_user(user_id)
    if user is None or not user.is_active:
        return _refused("user cannot sign in")
    if not _hash_matches(data[HASH_SESSION_KEY], user):
        return _refused("session hash changed")
    persistent_id = store.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    if device is None or not device.confirmed or device.user_id != user.pk:
        return _refused("no verified device")
    if activity_at is not None and not session_is_expired(store, verified=True, now=activity_at):
        touch(store, now=activity_at)
        if store.modified:
            try:
                store.save()
            except UpdateError:  # deleted between our read and our write
                return _refused("session gone")
    if session_is_expired(store, verified=True, now=now):
        return _refused("session expired")
    expires_at = min(
        float(store[AUTH_AT_KEY]) + settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds(),
        float(store[SEEN_AT_KEY]) + idle_limit_seconds(verified=True),
    )
    return SessionVerdict(valid=True, expires_at=expires_at)


async def acheck_session(
    session_key: str | None, user_id: int | None, *, activity_at: float | None = None
) -> SessionVerdict:
    return await database_sync_to_async(check_session)(
        session_key, user_id, activity_at=activity_at
    )


# Where the handshake leaves its verdict for the consumer (saves it a second check).
SCOPE_VERDICT_KEY = "vh_session_verdict"


async def scope_is_verified(scope: dict[str, Any]) -> bool:
    user = scope.get("user")
    session = scope.get("session")
    if user is None or not user.is_authenticated or not user.is_active or session is None:
        return False
    verdict = await acheck_session(session.session_key, user.pk)
    scope[SCOPE_VERDICT_KEY] = verdict
    return verdict.valid


class SecondFactorWebsocketMiddleware:
    """Lets a WebSocket through only for a session verified with a second factor."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            return await self.inner(scope, receive, send)
        scope = dict(scope)
        if await scope_is_verified(scope):
            scope["otp_verified"] = True
            return await self.inner(scope, receive, send)
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.close", "code": CLOSE_NOT_VERIFIED})
        return None


class SocketSession:
    """The session behind one open socket: the last verdict, and whether it still holds.

    ``allows_now`` is what every incoming message asks: no database, just the cached verdict
    and its expiry time. ``recheck`` (each heartbeat, or when the expiry time has passed) asks
    ``check_session`` again, with the time of the last edit since the previous check."""

    def __init__(self, scope: dict[str, Any]) -> None:
        session = scope.get("session")
        user = scope.get("user")
        self.session_key: str | None = session.session_key if session is not None else None
        self.user_id: int | None = getattr(user, "pk", None)
        self.verdict: SessionVerdict = scope.get(SCOPE_VERDICT_KEY) or _refused("not checked")
        self._activity_at: float | None = None

    def allows_now(self) -> bool:
        return self.verdict.valid and time.time() < self.verdict.expires_at

    def note_activity(self) -> None:
        """The person edited something (not automatic traffic): counts for the idle clock."""
        self._activity_at = time.time()

    async def recheck(self) -> SessionVerdict:
        activity, self._activity_at = self._activity_at, None
        try:
            self.verdict = await acheck_session(
                self.session_key, self.user_id, activity_at=activity
            )
        except Exception:
            if self._activity_at is None:
                self._activity_at = activity  # try to record it at the next check
            raise
        return self.verdict


class ByteBudget:
    """A token bucket of bytes: ``rate`` a second, at most ``burst`` at once. One socket cannot
    push more than that into the server (10 MB in 4.6 s had been stored from 20 frames)."""

    __slots__ = ("_at", "_tokens", "burst", "rate")

    def __init__(self, *, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._at = time.monotonic()

    @classmethod
    def from_settings(cls) -> ByteBudget:
        return cls(
            rate=float(getattr(settings, "WEBSOCKET_BYTES_PER_SECOND", 256 * 1024)),
            burst=float(getattr(settings, "WEBSOCKET_BYTES_BURST", 1024 * 1024)),
        )

    def take(self, size: int) -> bool:
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if size > self._tokens:
            return False
        self._tokens -= size
        return True


def max_frame_bytes() -> int:
    return int(getattr(settings, "WEBSOCKET_MAX_FRAME_BYTES", 256 * 1024))
