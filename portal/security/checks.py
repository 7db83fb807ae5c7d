"""System checks for the trusted-proxy setting: a typo there must stop the start, not the
first request, and a list that trusts everybody is the hole it exists to close."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from .client_address import trusted_proxies


@register()
def check_trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        networks = trusted_proxies()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="security.E001")]
    if any(network.prefixlen == 0 for network in networks):
        return [
            Error(
                "TRUSTED_PROXIES trusts every address: any client could then choose its own "
                "address and scheme. List the reverse proxy's address or network only.",
                id="security.E002",
            )
        ]
    return []
