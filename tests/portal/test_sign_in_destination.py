"""After signing in, people land where they were going (issue 15, item 10).

Signed out, a person opens a case; the sign-in (password, then a code from the app) brings them
back to that case, not to "Mijn account". A ``next`` that leaves the site is refused. Without a
``next`` a member of a partner agency starts in the workspace, a learner on "Mijn account".
Every protected page that sends someone to sign in or verify says where they were going: a
walk over the resolved URLconf.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories.people import PASSWORD, totp_code
from tests.security.routes import resolved_routes

pytestmark = pytest.mark.django_db

LOGIN = "/account/aanmelden/"
VERIFY = "/account/verifieren/"


def sign_in(client: Client, login_url: str, user: Any, device: Any) -> Any:
    """Both steps, posted to the address the sign-in page was opened at (the form's action
    is "", so a browser does the same), as the wizard's forms name them."""
    assert client.get(login_url).status_code == 200
    step = client.post(
        login_url,
        {
            "sign_in_view-current_step": "auth",
            "auth-username": user.email,
            "auth-password": PASSWORD,
        },
    )
    assert b"token-otp_token" in step.content, "the code step was not asked"
    return client.post(
        login_url, {"sign_in_view-current_step": "token", "token-otp_token": totp_code(device)}
    )


def next_of(location: str) -> str | None:
    """The ``next`` of a redirect, decoded (a path's own escapes, e.g. Wagtail's regex
    routes with ``|``, decoded too)."""
    values = parse_qs(urlsplit(location).query).get("next")
    return unquote(values[0]) if values else None


def test_signed_out_person_opening_a_case_lands_on_that_case(
    world: Any, make_device: Callable[..., Any]
) -> None:
    device = make_device(world.caw_partner)
    case_url = reverse("collaboration:case_detail", args=[world.case.reference])
    client = Client()
    response = client.get(case_url)
    assert response.status_code == 302
    login_url = response["Location"]
    assert urlsplit(login_url).path == LOGIN
    assert next_of(login_url) == case_url

    response = sign_in(client, login_url, world.caw_partner, device)
    assert response.status_code == 302
    assert response["Location"] == case_url
    page = client.get(case_url)
    assert page.status_code == 200
    assert world.case.reference in page.content.decode()


def test_a_case_link_with_a_query_comes_back_whole(
    world: Any, make_device: Callable[..., Any]
) -> None:
    device = make_device(world.director)
    wanted = reverse("collaboration:case_list") + "?q=VH&fase=exploration"
    client = Client()
    login_url = client.get(wanted)["Location"]
    assert next_of(login_url) == wanted
    assert sign_in(client, login_url, world.director, device)["Location"] == wanted


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/samenwerking/",
        "//evil.example/samenwerking/",
        "/\\evil.example/",
        "http://testserver.evil.example/",
    ],
)
def test_a_next_that_leaves_the_site_is_refused(
    world: Any, make_device: Callable[..., Any], target: str
) -> None:
    device = make_device(world.caw_partner)
    client = Client()
    response = sign_in(client, f"{LOGIN}?next={target}", world.caw_partner, device)
    assert response.status_code == 302
    assert response["Location"] == reverse("collaboration:home")


def test_without_next_a_partner_starts_in_the_workspace(
    world: Any, make_device: Callable[..., Any]
) -> None:
    device = make_device(world.police_partner)
    response = sign_in(Client(), LOGIN, world.police_partner, device)
    assert response["Location"] == reverse("collaboration:home")


def test_without_next_a_learner_lands_on_mijn_account(
    make_user: Callable[..., Any], make_device: Callable[..., Any]
) -> None:
    learner = make_user(email="lerende@test.example")
    device = make_device(learner)
    response = sign_in(Client(), LOGIN, learner, device)
    assert response["Location"] == reverse("accounts:home")


def test_a_deactivated_membership_no_longer_leads_to_the_workspace(
    world: Any, make_device: Callable[..., Any]
) -> None:
    world.caw_colleague.memberships.update(is_active=False)
    device = make_device(world.caw_colleague)
    response = sign_in(Client(), LOGIN, world.caw_colleague, device)
    assert response["Location"] == reverse("accounts:home")


def test_verifying_a_password_only_session_lands_on_the_case(
    world: Any, make_device: Callable[..., Any]
) -> None:
    device = make_device(world.caw_partner)
    case_url = reverse("collaboration:case_detail", args=[world.case.reference])
    client = Client()
    client.force_login(world.caw_partner)
    response = client.get(case_url)
    assert response.status_code == 302
    verify_url = response["Location"]
    assert urlsplit(verify_url).path == VERIFY
    assert next_of(verify_url) == case_url
    page = client.get(verify_url).content.decode()
    assert f'name="next" value="{case_url}"' in page  # the form carries it
    response = client.post(verify_url, {"otp_token": totp_code(device), "next": case_url})
    assert response["Location"] == case_url


def test_verifying_without_next_leads_a_partner_to_the_workspace(
    world: Any, make_device: Callable[..., Any]
) -> None:
    device = make_device(world.caw_partner)
    client = Client()
    client.force_login(world.caw_partner)
    response = client.post(
        VERIFY, {"otp_token": totp_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("collaboration:home")


def _protected_paths(values: dict[str, str]) -> list[str]:
    prefixes = tuple(p.lstrip("/") for p in settings.SECOND_FACTOR_PROTECTED_PREFIXES)
    paths = []
    for route in resolved_routes():
        if route.template.startswith(prefixes) and route.language is None:
            paths.append(route.path(values))
    return sorted(set(paths))


def test_every_protected_page_sends_to_sign_in_with_next(world: Any) -> None:
    """Anonymous: every route under a protected prefix redirects to the sign-in with the
    path it was asked for as ``next``; the case routes get a real case number."""
    paths = _protected_paths({"reference": world.case.reference})
    assert any(p.startswith("/samenwerking/") for p in paths)
    assert any(p.startswith("/cms/") for p in paths)
    client = Client()
    missing = []
    for path in paths:
        response = client.get(path)
        location = response.get("Location", "")
        if (
            response.status_code != 302
            or urlsplit(location).path != LOGIN
            or next_of(location) != path
        ):
            missing.append(f"{path}: {response.status_code} {location}")
    assert missing == [], missing[:20]


def test_every_protected_page_sends_a_password_only_session_to_verify_with_next(
    world: Any, make_device: Callable[..., Any]
) -> None:
    make_device(world.caw_partner)
    paths = _protected_paths({"reference": world.case.reference})
    client = Client()
    client.force_login(world.caw_partner)
    missing = []
    for path in paths:
        response = client.get(path)
        location = response.get("Location", "")
        if (
            response.status_code != 302
            or urlsplit(location).path != VERIFY
            or next_of(location) != path
        ):
            missing.append(f"{path}: {response.status_code} {location}")
    assert missing == [], missing[:20]


def test_account_pages_that_need_a_verified_session_keep_next(
    make_user: Callable[..., Any], make_device: Callable[..., Any]
) -> None:
    user = make_user()
    make_device(user)
    client = Client()
    client.force_login(user)
    wanted = reverse("accounts:backup_codes") + "?x=1"
    response = client.get(wanted)
    assert urlsplit(response["Location"]).path == VERIFY
    assert next_of(response["Location"]) == wanted
