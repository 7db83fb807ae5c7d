"""The client's address, derived from a trusted-proxy setting.

X-Forwarded-For is a list a client can prepend to at will. Only the entries added by our own
proxies can be trusted, so we count ``TRUSTED_PROXY_COUNT`` hops from the right; with no
proxy declared the header is ignored. Used by django-axes, the audit writer and consumers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def _from_forwarded(forwarded: str, remote_addr: str | None) -> str | None:
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0 or not forwarded:
        return remote_addr
    hops = [part.strip() for part in forwarded.split(",") if part.strip()]
    if len(hops) < proxies:
        return remote_addr
    return hops[-proxies]


def client_address(request: HttpRequest) -> str | None:
    """Address of the client that sent ``request``."""
    return _from_forwarded(
        request.META.get("HTTP_X_FORWARDED_FOR", ""), request.META.get("REMOTE_ADDR")
    )


def scope_client_address(scope: Mapping[str, Any]) -> str | None:
    """The same rule for an ASGI (WebSocket) scope."""
    headers = dict(scope.get("headers") or [])
    forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1")
    client = scope.get("client")
    return _from_forwarded(forwarded, client[0] if client else None)
