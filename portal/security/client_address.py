"""The client's address and scheme, as our own reverse proxy saw them, and nobody else's word.

This module is the one place that reads ``X-Forwarded-For`` and ``X-Forwarded-Proto``.
Everything that needs an address calls it: django-axes (``AXES_CLIENT_IP_CALLABLE``), the audit
writer and django-auditlog (``portal.audit.context``), the consult form's rate limit and the
WebSocket consumers (``scope_client_address``). uvicorn runs with ``--no-proxy-headers``
(``docker/entrypoint.sh``), so ``REMOTE_ADDR`` and ``scope["client"]`` are always the TCP peer;
if uvicorn rewrote them as well there would be two interpreters, and the first one decides
(``--forwarded-allow-ips "*"`` let a client choose its own address by sending the header).

The rule: a peer that is not in ``TRUSTED_PROXIES`` (addresses or networks) *is* the client,
whatever headers it sends. When the peer is one of our proxies, ``X-Forwarded-For`` is read
from the right, skipping our own proxies, and the first address that is not one of them is
the client. The left part of the header is whatever the client wrote and is never used. Our
nginx (``docker/nginx.conf``) replaces the header with ``$remote_addr`` rather than appending,
so in the compose setup there is exactly one hop to read.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Headers only our proxy may set. Django would believe X-Forwarded-Proto from anybody
# (SECURE_PROXY_SSL_HEADER has no notion of who sent it), so they are removed from requests
# that did not come through a trusted proxy, before anything reads them.
PROXY_ONLY_META = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


@functools.lru_cache(maxsize=16)
def _networks(spec: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    networks: list[IPNetwork] = []
    for entry in spec:
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network"
            ) from error
    return tuple(networks)


def trusted_proxies() -> tuple[IPNetwork, ...]:
    """``settings.TRUSTED_PROXIES`` parsed (cached per value, so tests may change it)."""
    raw: str | Iterable[str] = getattr(settings, "TRUSTED_PROXIES", ()) or ()
    if isinstance(raw, str):
        raw = raw.split(",")
    return _networks(tuple(raw))


def _parse(value: str | None) -> IPAddress | None:
    if not value:
        return None
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # "::ffff:10.0.0.2" is the IPv4 proxy 10.0.0.2
    return address


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def is_trusted_proxy(peer: str | None) -> bool:
    """Is ``peer`` (a TCP peer address) one of our reverse proxies?"""
    address = _parse(peer)
    return address is not None and _is_trusted(address, trusted_proxies())


def resolve_client_address(peer: str | None, forwarded_for: str | None) -> str | None:
    """The client's address from the TCP peer and the X-Forwarded-For value (canonical text).

    ``None`` when the peer is not an IP address at all (a Unix socket). A hop that is not an
    address stops the walk: nothing left of it can be trusted, so the last trusted hop is
    answered instead of a value the client may have made up.
    """
    address = _parse(peer)
    if address is None:
        return None
    networks = trusted_proxies()
    if not _is_trusted(address, networks) or not forwarded_for:
        return str(address)
    for hop in reversed(forwarded_for.split(",")):
        if not hop.strip():
            continue
        parsed = _parse(hop)
        if parsed is None:
            break
        address = parsed
        if not _is_trusted(address, networks):
            break
    return str(address)


def client_address(request: HttpRequest) -> str | None:
    """Address of the client that sent ``request`` (also django-axes' AXES_CLIENT_IP_CALLABLE)."""
    return resolve_client_address(
        request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR")
    )


def _scope_header(scope: Mapping[str, Any], name: bytes) -> str | None:
    # Repeated headers are joined in order with commas, as Django's ASGI handler does for META.
    values = [
        value.decode("latin-1") for key, value in scope.get("headers") or [] if key.lower() == name
    ]
    return ",".join(values) if values else None


def _scope_peer(scope: Mapping[str, Any]) -> str | None:
    client = scope.get("client")
    return client[0] if client else None


def scope_client_address(scope: Mapping[str, Any]) -> str | None:
    """The same rule for an ASGI (WebSocket) scope, which no Django middleware sees."""
    return resolve_client_address(_scope_peer(scope), _scope_header(scope, b"x-forwarded-for"))


def scope_is_secure(scope: Mapping[str, Any]) -> bool:
    """Did the client reach us over TLS? The HTTP rule (``SECURE_PROXY_SSL_HEADER``, believed
    from our proxy only) applied to an ASGI scope.

    For checks on WebSocket scopes (the Origin's scheme): uvicorn no longer rewrites
    ``scope["scheme"]`` from the header, so a connection through the TLS proxy arrives as
    ``ws`` and only the trusted proxy's header tells that the browser used ``wss``.
    """
    if scope.get("scheme") in ("https", "wss"):
        return True
    proxy_header: tuple[str, str] | None = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if not proxy_header or not is_trusted_proxy(_scope_peer(scope)):
        return False
    meta_name, secure_value = proxy_header
    name = meta_name.removeprefix("HTTP_").lower().replace("_", "-").encode("latin-1")
    value = _scope_header(scope, name) or ""
    return value.split(",", 1)[0].strip() == secure_value


class TrustedProxyHeadersMiddleware:
    """First in MIDDLEWARE: forwarding headers from anyone but our proxy are dropped.

    Django's ``SECURE_PROXY_SSL_HEADER`` believes ``X-Forwarded-Proto: https`` from any client;
    reaching the application port directly (or through a proxy that passes the header on)
    would make a plain-HTTP request look secure, skip the HTTPS redirect and pass the CSRF
    origin check as https. Dropping the header unless the peer is trusted makes the setting
    mean "our proxy says TLS". The other forwarding headers go too, so no library that reads
    them (django-auditlog's own middleware, django-ipware) can be misled either.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR")):
            for key in PROXY_ONLY_META:
                request.META.pop(key, None)
        return self.get_response(request)
