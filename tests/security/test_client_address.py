"""One interpreter of X-Forwarded-For, trusting only our proxy, and every address consumer uses it.

The class test sends the same forged and proxied headers to every consumer of a client address
(django-axes, the audit context, django-auditlog's change history, the consult form's rate
limit, a WebSocket scope) through the real middleware stack and expects one answer from all.
A source scan keeps the next consumer from reading REMOTE_ADDR or the header on its own, and
the deployment files are checked for the shape that makes the rule hold in production.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from axes.helpers import get_client_ip_address
from django.http import HttpRequest, JsonResponse
from django.test import Client, RequestFactory
from django.urls import path

from collaboration.models import Organisation
from content.models import consult
from portal.audit.context import current_context
from portal.security.client_address import (
    client_address,
    scope_client_address,
    scope_is_secure,
)
from tests.factories.organisations import OrganisationFactory

ROOT = Path(__file__).resolve().parents[2]
PROXIES = ["10.0.0.0/30", "2001:db8:ffff::1"]
CLIENT = "198.51.100.20"

# (TCP peer, X-Forwarded-For as received, the client's address we must answer)
CASES = [
    # Not our proxy: its header is the client's own invention, whatever it says.
    ("198.51.100.20", "203.0.113.66", CLIENT),
    ("198.51.100.20", "203.0.113.66, 10.0.0.2", CLIENT),
    ("198.51.100.20", "10.0.0.1", CLIENT),
    # Our proxy: the right-most hop that is not one of ours; the left part is the client's.
    ("10.0.0.2", CLIENT, CLIENT),
    ("10.0.0.2", f"203.0.113.66, 192.0.2.1, {CLIENT}", CLIENT),
    ("10.0.0.2", f"203.0.113.66, {CLIENT}, 10.0.0.3", CLIENT),
    ("10.0.0.2", f"not-an-address, {CLIENT}", CLIENT),
    # A hop that is no address: nothing left of it can be trusted, the proxy is answered.
    ("10.0.0.2", f"{CLIENT}, not-an-address", "10.0.0.2"),
    ("10.0.0.2", "", "10.0.0.2"),
    # IPv6, and an IPv4 proxy seen as an IPv4-mapped IPv6 peer.
    ("::ffff:10.0.0.2", "2001:db8::7", "2001:db8::7"),
    ("2001:db8:ffff::1", "203.0.113.66, 2001:db8::7", "2001:db8::7"),
    ("2001:db8::9", "2001:db8::7", "2001:db8::9"),
]


def _probe(request: HttpRequest) -> JsonResponse:
    """A view behind the whole middleware stack that changes a model with change history."""
    organisation = OrganisationFactory()
    return JsonResponse(
        {
            "audit": current_context().ip_address,
            "axes": get_client_ip_address(request),
            "client_address": client_address(request),
            "organisation": organisation.pk,
        }
    )


urlpatterns = [path("probe/", _probe)]


def _consult_bucket_shared(peer: str, forwarded: str, expected: str) -> bool:
    """Do these headers land in the same consult rate-limit bucket as ``expected`` itself?

    Filled to one short of the limit from ``expected`` directly, then once more with the
    headers under test: only the same bucket reaches the limit.
    """
    factory = RequestFactory()
    consult_cache_clear(expected)
    for _ in range(consult.RATE_LIMIT_SUBMISSIONS):
        consult._rate_limited(factory.post("/", REMOTE_ADDR=expected))
    headers = {"REMOTE_ADDR": peer}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return consult._rate_limited(factory.post("/", **headers))


def consult_cache_clear(address: str) -> None:
    from django.core.cache import cache

    cache.delete(f"content:consult-rate:{address}")  # the cache outlives a run on Redis


@pytest.mark.django_db
@pytest.mark.urls("tests.security.test_client_address")
@pytest.mark.parametrize(("peer", "forwarded", "expected"), CASES)
def test_every_address_consumer_gives_the_one_answer(
    settings, peer: str, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXIES = PROXIES
    headers = {"REMOTE_ADDR": peer}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    response = Client(**headers).get("/probe/")
    seen = json.loads(response.content)
    history = LogEntry.objects.get_for_object(Organisation.objects.get(pk=seen["organisation"]))
    answers = {
        "axes (AXES_CLIENT_IP_CALLABLE)": seen["axes"],
        "audit context": seen["audit"],
        "client_address": seen["client_address"],
        "auditlog change history": history.get().remote_addr,
        "WebSocket scope": scope_client_address(
            {
                "type": "websocket",
                "client": (peer, 51000),
                "headers": [(b"x-forwarded-for", forwarded.encode())] if forwarded else [],
            }
        ),
    }
    assert answers == dict.fromkeys(answers, expected)
    assert _consult_bucket_shared(peer, forwarded, expected), "consult rate limit"


@pytest.mark.django_db
def test_rotating_forged_addresses_share_one_consult_bucket() -> None:
    """Today's complaint: the consult form's limit was steerable with the header."""
    factory = RequestFactory()
    consult_cache_clear("192.0.2.50")
    limited = [
        consult._rate_limited(
            factory.post("/", REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        )
        for n in range(consult.RATE_LIMIT_SUBMISSIONS + 1)
    ]
    assert limited[-1] is True
    assert not any(limited[:-1])


def test_repeated_forwarded_headers_on_a_socket_are_read_together(settings) -> None:
    """A second X-Forwarded-For header must not replace the proxy's (it is the right-most)."""
    settings.TRUSTED_PROXIES = PROXIES
    scope = {
        "type": "websocket",
        "client": ("10.0.0.2", 51000),
        "headers": [(b"x-forwarded-for", b"203.0.113.66"), (b"x-forwarded-for", CLIENT.encode())],
    }
    assert scope_client_address(scope) == CLIENT
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"203.0.113.66,{CLIENT}"
    )
    assert client_address(request) == CLIENT


@pytest.mark.parametrize(
    ("peer", "proto", "secure"),
    [("10.0.0.2", "https", True), ("198.51.100.20", "https", False), ("10.0.0.2", "http", False)],
)
def test_socket_scheme_comes_from_the_proxy_only(settings, peer, proto, secure) -> None:
    settings.TRUSTED_PROXIES = PROXIES
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    scope = {
        "type": "websocket",
        "scheme": "ws",
        "client": (peer, 51000),
        "headers": [(b"x-forwarded-proto", proto.encode())],
    }
    assert scope_is_secure(scope) is secure


@pytest.mark.django_db
@pytest.mark.parametrize(("peer", "secure"), [("10.0.0.2", True), ("198.51.100.20", False)])
def test_forwarded_proto_counts_only_from_the_proxy(settings, peer: str, secure: bool) -> None:
    """Django's SECURE_PROXY_SSL_HEADER believes anyone; the first middleware makes it mean
    "our proxy says TLS"."""
    settings.TRUSTED_PROXIES = PROXIES
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    response = Client(REMOTE_ADDR=peer, HTTP_X_FORWARDED_PROTO="https").get("/account/aanmelden/")
    if secure:
        assert response.status_code == 200
    else:
        assert response.status_code == 301
        assert response["Location"].startswith("https://")


# --- the rule has one home --------------------------------------------------------------

SOURCE_DIRS = ("portal", "collaboration", "content")
# A quoted header or META name, or the ASGI peer: what reading an address by hand looks like.
ADDRESS_READS = re.compile(
    r"[\"'](?:REMOTE_ADDR|HTTP_X_FORWARDED_\w+|HTTP_X_REAL_IP|HTTP_FORWARDED"
    r"|x-forwarded-[a-z]+|x-real-ip)[\"']"
    r"|scope\[[\"']client[\"']\]|scope\.get\([\"']client[\"']",
    re.IGNORECASE,
)
HOME = Path("portal/security/client_address.py")


def test_no_code_but_the_one_module_reads_the_peer_or_forwarding_headers() -> None:
    offenders = []
    for directory in SOURCE_DIRS:
        for source in (ROOT / directory).rglob("*.py"):
            relative = source.relative_to(ROOT)
            if relative == HOME or "migrations" in relative.parts:
                continue
            # Settings name the header for Django (SECURE_PROXY_SSL_HEADER), which reads it
            # only after TrustedProxyHeadersMiddleware has dropped it from anyone else.
            if relative.parts[:2] == ("portal", "settings"):
                continue
            for number, line in enumerate(source.read_text().splitlines(), 1):
                code = line.split("#", 1)[0]
                if ADDRESS_READS.search(code):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "use portal.security.client_address instead:\n" + "\n".join(offenders)


def test_no_code_but_the_one_module_applies_the_proxy_ssl_header() -> None:
    """Reading SECURE_PROXY_SSL_HEADER off a scope by hand believes any client's header."""
    offenders = [
        str(source.relative_to(ROOT))
        for directory in SOURCE_DIRS
        for source in (ROOT / directory).rglob("*.py")
        if source.relative_to(ROOT) != HOME
        and source.relative_to(ROOT).parts[:2] != ("portal", "settings")
        and "SECURE_PROXY_SSL_HEADER" in source.read_text()
    ]
    assert offenders == [], "use portal.security.client_address.scope_is_secure"


def test_libraries_are_handed_the_one_function(settings) -> None:
    assert settings.AXES_CLIENT_IP_CALLABLE == "portal.security.client_address.client_address"
    # django-auditlog's own middleware would take the left-most X-Forwarded-For value.
    assert "auditlog.middleware.AuditlogMiddleware" not in settings.MIDDLEWARE
    assert settings.MIDDLEWARE[0] == "portal.security.client_address.TrustedProxyHeadersMiddleware"
    assert not hasattr(settings, "TRUSTED_PROXY_COUNT")


# --- the deployment shape ---------------------------------------------------------------


def _service(compose: str, name: str) -> str:
    """The text of one service block of docker-compose.yml (two-space indented keys)."""
    match = re.search(rf"^  {name}:\n((?:    .*\n|\s*\n)*)", compose, re.MULTILINE)
    assert match, f"service {name} missing from docker-compose.yml"
    return match.group(1)


def test_uvicorn_never_rewrites_the_client() -> None:
    entrypoint = (ROOT / "docker/entrypoint.sh").read_text()
    assert "--no-proxy-headers" in entrypoint
    assert "--forwarded-allow-ips" not in entrypoint
    assert "FORWARDED_ALLOW_IPS" not in (ROOT / "docker-compose.yml").read_text()


def test_compose_publishes_only_the_proxy_and_trusts_only_it() -> None:
    compose = (ROOT / "docker-compose.yml").read_text()
    web = _service(compose, "web")
    proxy = _service(compose, "proxy")
    assert "ports:" not in web, "the application port must not be published"
    assert "ports:" in proxy
    address = re.search(r"ipv4_address: \$\{PROXY_ADDRESS:-([0-9.]+)\}", proxy)
    assert address, "the proxy needs a fixed address for the web service to trust"
    assert f"TRUSTED_PROXIES: ${{PROXY_ADDRESS:-{address.group(1)}}}" in web
    for other in ("worker", "scheduler", "db", "redis"):
        assert "ports:" not in _service(compose, other), other


def test_the_proxy_replaces_forwarding_headers_instead_of_appending() -> None:
    conf = (ROOT / "docker/nginx.conf").read_text()
    code = "\n".join(line.split("#", 1)[0] for line in conf.splitlines())
    assert "proxy_add_x_forwarded_for" not in code
    assert re.search(r"proxy_set_header\s+X-Forwarded-For\s+\$remote_addr;", code)
    assert re.search(r"proxy_set_header\s+X-Forwarded-Proto\s+\$scheme;", code)
    assert "real_ip_header" not in code  # nginx itself must not take the client's word either
