"""The anonymous page cache: hits for anonymous visitors, never for signed-in users, purged on
publication, never for previews, forms or query strings, the search's query excepted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from wagtail.models import Page

from content.cache import HEADER, SEARCH_MAX_CHARS, SEARCH_MAX_WORDS, search_slots
from content.models import ContactPerson, HomePage, SiteContactSettings, StandardPage

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


# --- The search: cached by its query as typed -----------------------------------------------


def _results(body: str) -> str:
    start = body.find('<ol class="search-results">')
    return body[start : body.find("</ol>", start)] if start != -1 else ""


def test_a_second_anonymous_search_is_a_hit_without_queries(
    demo_site: HomePage, client: Client, django_assert_num_queries: Any
) -> None:
    first = client.get("/zoeken/?q=geweld")
    assert first.headers[HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/zoeken/?q=geweld")
    assert second.headers[HEADER] == "hit"
    assert _results(second.content.decode()) == _results(first.content.decode())
    assert 'href="/vormen-van-geweld/partnergeweld/"' in second.content.decode()
    # Still kept out of search engines, cached or not (and robots.txt disallows /zoeken/).
    assert '<meta name="robots" content="noindex">' in second.content.decode()
    assert "script-src 'self'" in second.headers["Content-Security-Policy"]


@pytest.mark.parametrize("spelling", ["geweld&pagina=1", "geweld&pagina=01"])
def test_page_numbers_of_one_query_share_an_entry(
    demo_site: HomePage, client: Client, spelling: str
) -> None:
    assert client.get("/zoeken/?q=geweld").headers[HEADER] == "miss"
    query, _, rest = spelling.partition("&")
    response = client.get("/zoeken/", {"q": query, **dict([rest.split("=")])})
    assert response.headers[HEADER] == "hit"


@pytest.mark.parametrize("spelling", ["GEWELD", "Geweld!"])
def test_each_spelling_is_its_own_entry_and_shown_as_typed(
    demo_site: HomePage, client: Client, spelling: str
) -> None:
    first = client.get("/zoeken/?q=geweld")
    assert first.headers[HEADER] == "miss"
    response = client.get("/zoeken/", {"q": spelling})
    # Not the lower-case page: it shows the query as this visitor typed it, same results.
    assert response.headers[HEADER] == "miss"
    assert f"resultaten voor &#x27;{spelling}&#x27;" in response.content.decode() or (
        f"resultaten voor '{spelling}'" in response.content.decode()
    )
    assert _results(response.content.decode()) == _results(first.content.decode())
    assert client.get("/zoeken/", {"q": spelling}).headers[HEADER] == "hit"


def test_a_publication_purges_the_search(demo_site: HomePage, client: Client) -> None:
    assert (
        "Geen resultaten voor 'zebrapadbeleid'"
        in client.get("/zoeken/?q=zebrapadbeleid").content.decode()
    )
    assert client.get("/zoeken/?q=zebrapadbeleid").headers[HEADER] == "hit"
    page = StandardPage(title="Zebrapadbeleid", slug="zebrapadbeleid", intro="Over oversteken.")
    demo_site.add_child(instance=page)
    page.save_revision().publish()
    response = client.get("/zoeken/?q=zebrapadbeleid")
    assert response.headers[HEADER] == "miss"
    assert 'href="/zebrapadbeleid/"' in _results(response.content.decode())


def test_signed_in_users_never_get_or_leave_a_cached_search(
    demo_site: HomePage, client: Client, make_user: Callable[..., Any]
) -> None:
    member = Client()
    member.force_login(make_user())
    first = member.get("/zoeken/?q=geweld")
    assert HEADER not in first.headers
    assert "Afmelden" in first.content.decode()
    anonymous = client.get("/zoeken/?q=geweld")
    assert anonymous.headers[HEADER] == "miss"  # the member's page was not stored
    assert "Afmelden" not in anonymous.content.decode()
    again = member.get("/zoeken/?q=geweld")
    assert HEADER not in again.headers  # nor is the stored page served to them
    assert "Afmelden" in again.content.decode()


def test_a_session_cookie_bypasses_the_cached_search(demo_site: HomePage, client: Client) -> None:
    from django.conf import settings

    client.get("/zoeken/?q=geweld")
    visitor = Client()
    visitor.cookies[settings.SESSION_COOKIE_NAME] = "an-anonymous-session"
    assert HEADER not in visitor.get("/zoeken/?q=geweld").headers


@pytest.mark.parametrize(
    "query",
    [
        "q=geweld&utm_source=nieuwsbrief",  # a parameter the search does not know
        "q=geweld&q=kinderen",  # a repeated one
        "q=geweld&pagina=abc",  # a page that is not a number
        "q=geweld&pagina=9999",  # a page past the cached ones
        "q=" + "+".join(["geweld"] * (SEARCH_MAX_WORDS + 1)),  # too many words
        "q=" + "geweld" * (SEARCH_MAX_CHARS // 6 + 1),  # too long
        "q=%22%27",  # no word at all (the page says so)
    ],
)
def test_what_the_search_cache_does_not_store(
    demo_site: HomePage, client: Client, query: str
) -> None:
    for _ in range(2):
        response = client.get(f"/zoeken/?{query}")
        assert response.status_code == 200
        assert HEADER not in response.headers


def test_page_two_is_an_entry_of_its_own(demo_site: HomePage, client: Client) -> None:
    first = client.get("/zoeken/?q=geweld")
    second = client.get("/zoeken/?q=geweld&pagina=2")
    assert (first.headers[HEADER], second.headers[HEADER]) == ("miss", "miss")
    assert "Pagina 2 van" in second.content.decode()
    again = client.get("/zoeken/?q=geweld&pagina=2")
    assert again.headers[HEADER] == "hit"
    assert _results(again.content.decode()) == _results(second.content.decode())
    assert _results(again.content.decode()) != _results(first.content.decode())
    assert client.get("/zoeken/?q=geweld").headers[HEADER] == "hit"


def test_the_english_search_is_an_entry_of_its_own(demo_site: HomePage, client: Client) -> None:
    assert client.get("/zoeken/?q=partner").headers[HEADER] == "miss"
    english = client.get("/en/zoeken/?q=partner")
    assert english.headers[HEADER] == "miss"
    assert 'href="/en/' in _results(english.content.decode())


def test_search_keys_are_digests_in_a_bounded_number_of_slots(rf: Any) -> None:
    """No query is readable from a key, and a flood of different queries cannot add entries
    beyond the slots: the cache holds at most ``search_slots()`` results pages."""
    from content.cache import _key

    keys = set()
    for number in range(search_slots() * 20):
        key, digest = _key(rf.get("/zoeken/", {"q": f"geheim{number}"}))
        assert "geheim" not in key and "geheim" not in digest
        keys.add(key)
    assert len(keys) <= search_slots()


def test_a_query_in_an_occupied_slot_is_not_served_its_neighbour(
    demo_site: HomePage, client: Client, rf: Any
) -> None:
    """Two queries that share a slot: the second is a miss (the entry's digest differs), not
    the first query's page."""
    from content.cache import _key

    slot = _key(rf.get("/zoeken/", {"q": "geweld"}))[0]
    neighbour = next(
        word
        for word in (f"kind{number}" for number in range(100_000))
        if _key(rf.get("/zoeken/", {"q": word}))[0] == slot
    )
    assert client.get("/zoeken/?q=geweld").headers[HEADER] == "miss"
    response = client.get(f"/zoeken/?q={neighbour}")
    assert response.headers[HEADER] == "miss"
    assert f"Geen resultaten voor '{neighbour}'" in response.content.decode()
    assert client.get(f"/zoeken/?q={neighbour}").headers[HEADER] == "hit"
    assert client.get("/zoeken/?q=geweld").headers[HEADER] == "miss"  # it took the slot over
