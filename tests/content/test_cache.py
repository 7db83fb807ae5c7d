"""The anonymous page cache: hits for anonymous visitors, never for signed-in users, purged on
publication, never for previews, forms or query strings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from wagtail.models import Page

from content.cache import HEADER
from content.models import ContactPerson, HomePage, SiteContactSettings

pytestmark = pytest.mark.django_db


def test_second_anonymous_visit_is_a_hit(demo_site: HomePage, client: Client) -> None:
    assert client.get("/partners/").headers[HEADER] == "miss"
    second = client.get("/partners/")
    assert second.headers[HEADER] == "hit"
    assert "Partnerdiensten" in second.content.decode()
    # The outer security headers still apply to a cached response.
    assert "script-src 'self'" in second.headers["Content-Security-Policy"]


def test_signed_in_users_are_never_served_or_stored(
    demo_site: HomePage, client: Client, make_user: Callable[..., Any]
) -> None:
    member = Client()
    member.force_login(make_user())
    first = member.get("/partners/")
    assert HEADER not in first.headers
    assert "Afmelden" in first.content.decode()
    anonymous = client.get("/partners/")
    assert anonymous.headers[HEADER] == "miss"  # nothing was stored for the signed-in user
    assert "Afmelden" not in anonymous.content.decode()
    assert HEADER not in member.get("/partners/").headers  # and a stored page is not served to them


def test_publishing_purges(demo_site: HomePage, client: Client) -> None:
    client.get("/partners/")
    assert client.get("/partners/").headers[HEADER] == "hit"
    page = Page.objects.get(slug="caw").specific
    page.title = "Centrum Algemeen Welzijnswerk (nieuw)"
    page.save_revision().publish()
    response = client.get("/partners/")
    assert response.headers[HEADER] == "miss"
    assert "Centrum Algemeen Welzijnswerk (nieuw)" in response.content.decode()


@pytest.mark.parametrize("change", ["unpublish", "snippet", "settings"])
def test_other_changes_purge(demo_site: HomePage, client: Client, change: str) -> None:
    client.get("/")
    assert client.get("/").headers[HEADER] == "hit"
    if change == "unpublish":
        Page.objects.get(slug="agenda").specific.unpublish()
    elif change == "snippet":
        person = ContactPerson.objects.first()
        person.phone = "09 000 00 99"
        person.save()
    else:
        settings = SiteContactSettings.objects.get()
        settings.helpline_number = "1712"
        settings.save()
    assert client.get("/").headers[HEADER] == "miss"


def test_forms_query_strings_and_drafts_are_not_cached(demo_site: HomePage, client: Client) -> None:
    client.get("/consultvraag/")
    assert HEADER not in client.get("/consultvraag/").headers  # carries a CSRF token
    client.get("/zoeken/?q=geweld")
    assert HEADER not in client.get("/zoeken/?q=geweld").headers
    client.get("/partners/?utm=x")
    assert HEADER not in client.get("/partners/?utm=x").headers


def test_previews_are_never_cached(
    demo_site: HomePage,
    client: Client,
    make_user: Callable[..., Any],
    verified_client: Callable[..., Client],
) -> None:
    editor = verified_client(make_user(is_staff=True, is_superuser=True))
    page = Page.objects.get(slug="caw").specific
    page.title = "Ontwerp dat niet uitlekt"
    page.save_revision()  # a draft, not published
    preview = editor.get(f"/cms/pages/{page.pk}/view_draft/")
    assert "Ontwerp dat niet uitlekt" in preview.content.decode()
    for _ in range(2):
        public = client.get("/partners/caw/")
        assert "Ontwerp dat niet uitlekt" not in public.content.decode()


def test_a_page_with_a_csrf_token_is_never_stored(rf: Any) -> None:
    """Even when marked cacheable: the token belongs to one visitor."""
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from content.cache import AnonymousPageCacheMiddleware, mark_cacheable

    def view(request: Any) -> HttpResponse:
        return mark_cacheable(request, HttpResponse(f"<form>{get_token(request)}</form>"))

    middleware = AnonymousPageCacheMiddleware(view)
    for _ in range(2):
        response = middleware(rf.get("/formulier/"))
        assert HEADER not in response.headers


def test_a_marked_page_without_token_is_stored(rf: Any) -> None:
    """The counterpart of the test above, so that it cannot pass for the wrong reason."""
    from django.http import HttpResponse

    from content.cache import AnonymousPageCacheMiddleware, mark_cacheable

    middleware = AnonymousPageCacheMiddleware(
        lambda request: mark_cacheable(request, HttpResponse("ok"))
    )
    assert middleware(rf.get("/gewoon/")).headers[HEADER] == "miss"
    assert middleware(rf.get("/gewoon/")).headers[HEADER] == "hit"
