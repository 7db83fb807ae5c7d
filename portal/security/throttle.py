"""A per-account sign-in throttle: growing delays that hold however many addresses are used.

django-axes locks an account *and address* pair after a few failures. Someone with many
addresses (a botnet, or anyone at all while forged ``X-Forwarded-For`` headers were believed)
stays under that limit at every address: twelve wrong passwords from twelve addresses, then the
right one, signed in. This throttle counts per account name, whatever the address:

- The first ``THROTTLE_FREE_ATTEMPTS`` password checks are free. After that each check must wait
  a delay that doubles from ``THROTTLE_BASE_DELAY`` seconds up to ``THROTTLE_MAX_DELAY``, which
  leaves a guesser about a hundred tries a day per account instead of unlimited ones.
- Inside the delay an attempt is refused *before the password is checked*, the right password
  included, so nothing is learnt from it; refused attempts do not count, so they do not push
  the real person's wait further out. The page says when to try again (HTTP 429).
- A completed sign-in (``user_logged_in``) clears the count: the real person signs in after
  the delay and starts again from zero. A wrong second-factor code counts like a wrong password
  (``portal.security.lockout`` sends it as ``user_login_failed``).
- A check reserves its slot atomically in the cache *before* the password is checked (the
  count is incremented, and past the free attempts each opened window can be claimed once), so
  a burst of parallel requests gets no more tries than a patient attacker.
- Names without an account are throttled exactly like names with one, so the throttle does not
  tell which addresses are registered. Cache keys hold a hash of the name, never the name.
- State lives in the cache (Redis in production, shared by every worker process). Times are
  compared by value, and key lifetimes only clean up, so the cache server's clock and ours need
  not agree (and tests can move the clock).

Hooked in as an authentication backend placed right after django-axes' and before
``ModelBackend``: attempts axes already refuses for their address never reach this one, so
hammering from one address is axes' business and cannot push the account into delays.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import lockout

REQUEST_ATTRIBUTE = "sign_in_throttled_until"
SECOND_FACTOR_SENDER = lockout.__name__  # record_second_factor_failure sends with this sender


@dataclass(frozen=True)
class Policy:
    free_attempts: int
    base_delay: float
    max_delay: float
    memory: int  # seconds an account's count is kept after its last attempt
    prefix: str

    def delay_after(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th checked attempt (0 while still free)."""
        if attempts < self.free_attempts:
            return 0.0
        return min(self.max_delay, self.base_delay * 2.0 ** (attempts - self.free_attempts))


def policy() -> Policy:
    return Policy(
        free_attempts=int(getattr(settings, "THROTTLE_FREE_ATTEMPTS", 10)),
        base_delay=float(getattr(settings, "THROTTLE_BASE_DELAY", 30)),
        max_delay=float(getattr(settings, "THROTTLE_MAX_DELAY", 15 * 60)),
        memory=int(getattr(settings, "THROTTLE_MEMORY", 24 * 60 * 60)),
        prefix=str(getattr(settings, "THROTTLE_KEY_PREFIX", "security:throttle")),
    )


def account_name(value: Any) -> str:
    """The name as django-axes keys on it (trimmed, lower case, at most 254 characters)."""
    name = lockout.axes_username(None, {"username": value}) if value else None
    return name if isinstance(name, str) else ""


@dataclass(frozen=True)
class _Keys:
    tries: str
    gate: str
    claim: str


def _keys(rules: Policy, name: str) -> _Keys:
    digest = hashlib.sha256(name.encode()).hexdigest()[:40]
    base = f"{rules.prefix}:{digest}"
    return _Keys(tries=f"{base}:tries", gate=f"{base}:gate", claim=f"{base}:claim")


def _claim_key(keys: _Keys, window: str | None) -> str:
    # One key per window: named by the random token of the delay that opened it, or "first"
    # before any delay (a completed sign-in removes that one; tokens never come round again).
    return f"{keys.claim}:{window or 'first'}"


def _read_gate(keys: _Keys) -> tuple[float | None, str | None]:
    """The gate: until when the account waits, and the token naming the window after it."""
    value = cache.get(keys.gate)
    if not isinstance(value, str) or "|" not in value:
        return None, None
    until, token = value.split("|", 1)
    try:
        return float(until), token
    except ValueError:
        return None, None


def _close_gate(keys: _Keys, until: float, memory: int) -> None:
    cache.set(keys.gate, f"{until:.6f}|{secrets.token_hex(8)}", memory)


def _increment(key: str, memory: int) -> int:
    cache.add(key, 0, memory)
    try:
        count = cache.incr(key)
    except ValueError:  # gone between add and incr
        cache.set(key, 1, memory)
        count = 1
    cache.touch(key, memory)  # remembered for ``memory`` after the *last* attempt
    return int(count)


def _decrement(key: str) -> None:
    with contextlib.suppress(ValueError):  # already gone: nothing to give back
        cache.decr(key)


def waiting_until(name: str) -> float | None:
    """When ``name`` may next be tried (epoch seconds), or ``None`` if it may be tried now."""
    until, _token = _read_gate(_keys(policy(), name))
    return until if until is not None and until > time.time() else None


def reserve_attempt(name: str) -> float | None:
    """Reserve one password check for ``name``.

    Returns ``None`` when the check may go ahead, else the moment (epoch seconds) from which it
    may be tried again. Past the free attempts the reservation also closes the window for the
    next attempt at once, as if this one fails; a completed sign-in opens it again.
    """
    rules = policy()
    keys = _keys(rules, name)
    now = time.time()
    until, window = _read_gate(keys)
    if until is not None and until > now:
        return until
    attempts = _increment(keys.tries, rules.memory)
    if attempts < rules.free_attempts:
        return None
    # Each opened window is claimed once: of parallel requests arriving when it opens, one goes
    # ahead and the others are refused (and not counted).
    if not cache.add(_claim_key(keys, window), 1, rules.memory):
        _decrement(keys.tries)
        return waiting_until(name) or now + rules.base_delay
    _close_gate(keys, now + rules.delay_after(attempts), rules.memory)
    return None


def record_failure(name: str) -> None:
    """Count a failure that did not pass through ``reserve_attempt`` (a wrong code)."""
    rules = policy()
    keys = _keys(rules, name)
    attempts = _increment(keys.tries, rules.memory)
    delay = rules.delay_after(attempts)
    if delay:
        until = time.time() + delay
        current, _token = _read_gate(keys)
        if current is None or current < until:
            _close_gate(keys, until, rules.memory)


def reset(name: str) -> None:
    """Forget ``name``'s attempts (after a completed sign-in)."""
    keys = _keys(policy(), name)
    # The first window's claim is the only one whose name comes round again.
    cache.delete_many([keys.tries, keys.gate, _claim_key(keys, None)])


class AccountThrottleBackend:
    """Refuses a password check inside the account's delay; never authenticates anyone itself.

    Deliberately no ``get_user``: Django stores the first backend that has one as a session's
    backend (``Client.force_login``, ``login()`` without a backend), and this one never returns
    a user.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if password is None:
            return None  # not a password check (another kind of backend credential)
        name = account_name(username or kwargs.get("email"))
        if not name:
            return None
        until = reserve_attempt(name)
        if until is None:
            return None
        if request is not None:
            setattr(request, REQUEST_ATTRIBUTE, until)
        # Django stops at PermissionDenied: ModelBackend never sees the password.
        raise PermissionDenied

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)


@receiver(user_login_failed, dispatch_uid="security.throttle_count_wrong_code")
def count_wrong_code(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # Wrong passwords were counted when their check was reserved; refusals count nothing.
    if sender == SECOND_FACTOR_SENDER:
        name = account_name(credentials.get("username"))
        if name:
            record_failure(name)


@receiver(user_logged_in, dispatch_uid="security.throttle_reset_at_sign_in")
def reset_at_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    name = account_name(user.get_username())
    if name:
        reset(name)


def throttled_response(request: HttpRequest, until: float) -> HttpResponse:
    seconds = max(1, math.ceil(until - time.time()))
    response = render(
        request,
        "security/sign_in_throttled.html",
        {"retry_at": datetime.fromtimestamp(until, tz=UTC), "seconds": seconds},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


class SignInThrottleMiddleware:
    """Turns a throttled sign-in into the Dutch "try again at ..." page (HTTP 429).

    Placed just outside django-axes' middleware: when axes has locked the address out as well,
    its (longer) lockout page stands.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        until = getattr(request, REQUEST_ATTRIBUTE, None)
        if until is None or getattr(request, "axes_locked_out", False):
            return response
        return throttled_response(request, until)
