"""No protected response is cached anywhere (issue 12, item 9), as a class.

The resolved URLconf is walked for every route under ``SECOND_FACTOR_PROTECTED_PREFIXES`` and
``/account/`` (the collaboration area, live notes, the Wagtail and Django admins, the audit
area, sign-in and account pages, third-party includes too); each is requested as a verified user
who holds every kind of right, with URL arguments taken from the test world where a name is known
and a placeholder otherwise (a 404 must not be cached either). Every answer, whatever its status,
carries ``Cache-Control: no-store, private``. So do the pages a signed-in user sees elsewhere,
while an anonymous visitor's public page keeps its caching.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from collaboration.models import Membership, Role

pytestmark = pytest.mark.django_db

PROTECTED = (*settings.SECOND_FACTOR_PROTECTED_PREFIXES, "/account/")
# Sign-out routes would end the session the walk runs on; they are requested last, apart.
SIGN_OUT = re.compile(r"logout|afmelden")
MINIMUM_ROUTES = 300  # 394 at the time of writing
PLACEHOLDER = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": str(uuid.UUID(int=1)),
}
ROUTE_ARGUMENT = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)|\((?P<anonymous>[^)?][^)]*)\)")


def _walk(resolver: URLResolver, prefix: str = "/") -> Iterator[tuple[str, URLPattern, Any]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + _template(entry.pattern))
        else:
            yield prefix + _template(entry.pattern), entry, entry.pattern


def _template(pattern: Any) -> str:
    """A route as text with ``{name}`` where an argument goes; '' for what cannot be built."""
    if isinstance(pattern, RoutePattern):
        return ROUTE_ARGUMENT.sub(
            lambda m: f"{{{m['name']}|{m['converter'] or 'str'}}}", str(pattern)
        )
    if isinstance(pattern, RegexPattern):
        text = str(pattern).lstrip("^").rstrip("$").removeprefix("\\Z")
        text = text.replace("\\Z", "")
        text = REGEX_GROUP.sub(
            lambda m: f"{{{m['name'] or 'arg'}|{_regex_kind(m['body'] or m['anonymous'])}}}",
            text,
        )
        return text.replace("\\.", ".").replace("\\-", "-")
    return str(pattern)


def _regex_kind(body: str) -> str:
    return "int" if body in (r"\d+", "[0-9]+") else "str"


def _fill(template: str, known: dict[str, str]) -> str | None:
    def value(match: re.Match[str]) -> str:
        name, converter = match[1], match[2]
        return known.get(name) or PLACEHOLDER.get(converter, "x")

    path = re.sub(r"\{(\w+)\|(\w+)\}", value, template)
    return None if re.search(r"[\\()\[\]*+?|^$]", path) else path


def protected_routes(known: dict[str, str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(path, route name) for every GET-able route under the protected prefixes, and the
    templates that could not be turned into a path that resolves back to the same view."""
    routes: list[tuple[str, str]] = []
    skipped: list[str] = []
    for template, pattern, _p in _walk(get_resolver()):
        if not template.startswith(PROTECTED):
            continue
        path = _fill(template, known)
        try:
            match = resolve(path) if path else None
        except Exception:  # an unresolvable placeholder is a skip, not a failure
            match = None
        if match is None or match.func is not pattern.callback:
            skipped.append(template)
            continue
        routes.append((path, pattern.name or template))
    return routes, skipped


def _no_store(response: Any) -> bool:
    value = response.get("Cache-Control", "")
    directives = {part.strip().split("=")[0] for part in value.split(",")}
    return {"no-store", "private"} <= directives and "public" not in directives


@pytest.fixture
def everyone(
    world: Any,
    make_user: Callable[..., Any],
    verified_client: Callable[..., Client],
) -> Any:
    """A verified superuser who is also coordinator, case director, privacy officer and admin."""
    user = make_user(email="alles@test.example", is_superuser=True, is_staff=True)
    for role in (Role.COORDINATOR, Role.CASE_DIRECTOR, Role.PRIVACY_OFFICER):
        Membership.objects.create(user=user, organisation=world.vh, role=role)
    Membership.objects.create(user=user, organisation=world.police, role=Role.ORGANISATION_ADMIN)
    world.case.case_director = user
    world.case.save(update_fields=["case_director"])
    return lambda: _client(verified_client(user))


def _client(client: Client) -> Client:
    client.raise_request_exception = False  # a foreign view's 500 still must not be cached
    return client


def test_every_protected_route_answers_no_store(world: Any, everyone: Callable[[], Client]) -> None:
    known = {
        "reference": world.case.reference,
        "participant_id": str(world.case.participants.first().pk),
        "membership_id": str(Membership.objects.filter(user=world.caw_colleague).first().pk),
    }
    routes, skipped = protected_routes(known)
    assert len(routes) >= MINIMUM_ROUTES, (len(routes), skipped[:20])
    client = everyone()
    missing: list[str] = []
    sign_outs = [(path, name) for path, name in routes if SIGN_OUT.search(path + name)]
    for path, name in [r for r in routes if r not in sign_outs] + sign_outs:
        response = client.get(path)
        if not _no_store(response):
            missing.append(
                f"{path} ({name}) {response.status_code}: {response.get('Cache-Control')}"
            )
        if not client.session.get("_auth_user_id"):
            client = everyone()  # a sign-out route ended the session: carry on signed in
    assert missing == [], f"{len(missing)} of {len(routes)} routes without no-store"


def test_anonymous_and_password_only_requests_to_protected_paths_are_not_cached(
    world: Any,
) -> None:
    password_only = Client()
    password_only.force_login(world.caw_partner)
    for client in (Client(), password_only):
        for path in ("/samenwerking/", "/audit/", "/cms/", "/django-admin/", "/account/"):
            response = client.get(path)
            assert response.status_code in (200, 302), path
            assert _no_store(response), (path, response.get("Cache-Control"))


def test_a_signed_in_user_is_never_cached_and_a_visitor_still_is(
    world: Any,
    verified_client: Callable[..., Client],
) -> None:
    from content.demo import ensure_home_page

    ensure_home_page()
    signed_in = verified_client(world.caw_partner)
    for path in ("/", "/vorming/sessies/", "/zoeken/?q=hulp"):
        response = signed_in.get(path, follow=True)
        assert _no_store(response), (path, response.get("Cache-Control"))
        anonymous = Client().get(path, follow=True)
        assert "no-store" not in anonymous.get("Cache-Control", ""), path
