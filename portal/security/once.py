"""One submission per form: a double click, a resent POST or two tabs sending the same form
create one record, not two.

Each rendered form carries a signed one-time token. The first POST with it claims the token in
the shared cache (``cache.add`` is atomic, in Redis across all workers) and, once done, stores
where it led; a repeat gets that same answer instead of a second record.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django import forms
from django.core import signing
from django.core.cache import cache

SALT = "portal.security.once"
TTL_SECONDS = 6 * 3600
PENDING = "pending"


def new_token() -> str:
    return signing.dumps(uuid.uuid4().hex, salt=SALT)


def _key(scope: str, token: str) -> str:
    return "once:" + hashlib.sha256(f"{scope}:{token}".encode()).hexdigest()


def claim(scope: str, token: str) -> str | None:
    """None when this is the first use of ``token``; else what the first use answered
    (a URL, or PENDING while it is still being processed)."""
    key = _key(scope, token)
    if cache.add(key, PENDING, TTL_SECONDS):
        return None
    return cache.get(key) or PENDING


def remember(scope: str, token: str, answer: str) -> None:
    cache.set(_key(scope, token), answer, TTL_SECONDS)


def release(scope: str, token: str) -> None:
    """The first use failed (e.g. validation in the service): let the form be sent again."""
    cache.delete(_key(scope, token))


class OneTimeTokenField(forms.CharField):
    """A hidden, signed token; a forged or missing one is refused with a Dutch message."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.HiddenInput, required=True, **kwargs)

    def clean(self, value: str) -> str:
        value = super().clean(value)
        try:
            signing.loads(value, salt=SALT)
        except signing.BadSignature as error:
            raise forms.ValidationError(
                "Dit formulier is verlopen. Laad de pagina opnieuw en verstuur het nog eens.",
                code="invalid_token",
            ) from error
        return value
