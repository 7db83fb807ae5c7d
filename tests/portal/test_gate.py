"""The second-factor gate: no protected URL answers 200 to an anonymous or password-only session."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from portal.security.middleware import SecondFactorRequiredMiddleware  # noqa: F401  (import check)
from tests.factories.organisations import MembershipFactory, OrganisationFactory

PROTECTED_SAMPLES = [
    "/samenwerking/",
    "/cms/",
    "/cms/pages/",
    "/django-admin/",
    "/audit/",
    "/audit/x/",
]


def _sample_path(route: str) -> str:
    """Turn a route with converters into a concrete path with harmless sample values."""
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", route)
    route = re.sub(r"<[^>]+>", "x", route)
    route = route.replace("^", "").replace("$", "").replace("\\", "")
    return re.sub(r"\(.*?\)[?*+]?", "x", route)


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + _sample_path(prefix + route)


def protected_urls() -> list[str]:
    found = {
        p
        for p in _walk(get_resolver().url_patterns)
        if p.startswith(("/samenwerking/", "/cms/", "/django-admin/", "/audit/"))
    }
    return sorted(found | set(PROTECTED_SAMPLES))


def test_the_url_walk_finds_the_protected_areas() -> None:
    urls = protected_urls()
    assert "/samenwerking/" in urls
    assert any(u.startswith("/cms/pages/") for u in urls)
    assert any(u.startswith("/django-admin/") for u in urls)
    assert len(urls) > 50


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in_on_every_protected_url(client: Client) -> None:
    for url in protected_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/aanmelden/?next="), url


@pytest.mark.django_db
def test_password_only_session_is_sent_to_the_second_factor_everywhere(
    make_user, make_device
) -> None:
    user = make_user(is_staff=True, is_superuser=True)
    make_device(user)
    client = Client()
    client.force_login(user)  # a password-only session: no verified device in it
    for url in protected_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/verifieren/?next="), url


@pytest.mark.django_db
def test_password_only_session_without_device_is_sent_to_enrolment(make_user) -> None:
    user = make_user()
    client = Client()
    client.force_login(user)
    response = client.get("/samenwerking/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/tweestapsverificatie/instellen/")


@pytest.mark.django_db
def test_users_with_rights_see_only_enrolment_until_enrolled(make_user, client: Client) -> None:

    user = make_user()
    organisation = OrganisationFactory(
        name="CAW Test", kind="caw", sector="welfare", region="leuven"
    )
    MembershipFactory(user=user, organisation=organisation, role="partner")
    client.force_login(user)
    for url in ["/", "/zoeken/?q=geweld", "/vorming/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/tweestapsverificatie/instellen/"), url
    assert client.get("/account/tweestapsverificatie/instellen/").status_code == 200


@pytest.mark.django_db
def test_learner_without_rights_may_browse_public_pages(make_user, client: Client) -> None:
    from content.demo import ensure_home_page

    ensure_home_page()
    client.force_login(make_user())
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_verified_user_reaches_collaboration_and_wagtail_admin(make_user, verified_client) -> None:
    staff = make_user(is_staff=True, is_superuser=True)
    client = verified_client(staff)
    assert client.get("/samenwerking/").status_code == 200
    assert client.get("/cms/").status_code == 200
    assert client.get("/django-admin/").status_code == 200


@pytest.mark.django_db
def test_verified_session_with_someone_elses_device_is_not_verified(make_user, make_device) -> None:
    from tests.factories.people import verify_session

    alice, mallory = make_user(), make_user()
    make_device(alice)
    client = Client()
    client.force_login(alice)
    verify_session(client, make_device(mallory))
    response = client.get("/samenwerking/")
    assert response.status_code == 302
