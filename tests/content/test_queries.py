"""Page queries do not grow with content (asserted on a cache miss, i.e. a full render)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from content.cache import bump_generation
from content.models import HomePage, NewsIndexPage, NewsPage, PartnerIndexPage, PartnerPage

pytestmark = pytest.mark.django_db


def _add_content(count: int) -> None:
    partners = PartnerIndexPage.objects.get()
    news = NewsIndexPage.objects.get()
    for number in range(count):
        partners.add_child(
            instance=PartnerPage(
                title=f"Extra dienst {number}", slug=f"extra-{number}", sector="other"
            )
        )
        page = NewsPage(
            title=f"Extra bericht {number}", slug=f"extra-{number}", date=dt.date(2026, 1, 1)
        )
        news.add_child(instance=page)
        page.save_revision().publish()


@pytest.mark.parametrize(
    ("path", "queries"),
    [("/", 18), ("/partners/", 16), ("/nieuws/", 17), ("/partners/caw/", 16)],
)
def test_queries_do_not_grow_with_content(
    demo_site: HomePage, client: Client, django_assert_num_queries, path: str, queries: int
) -> None:
    for extra in (0, 12):
        _add_content(extra)
        client.get(path)  # warm Wagtail's site-root cache, as any running server has
        bump_generation()  # then force a full render
        with django_assert_num_queries(queries):
            assert client.get(path).status_code == 200


def test_a_cached_page_costs_no_query(
    demo_site: HomePage, client: Client, django_assert_num_queries
) -> None:
    client.get("/partners/")
    with django_assert_num_queries(0):
        assert client.get("/partners/").status_code == 200


# The site, the root in the active language with its locale, the view restrictions, the count,
# the page of hits and their texts (one UNION over the page types' tables), then the page's
# frame: contact settings, two locale reads and the menu (restrictions and pages). Before the
# texts were one query, this was 19: `.specific()` read the content types, then each page type.
SEARCH_QUERIES = 11


def test_search_queries_do_not_grow_with_content_or_page_types(
    demo_site: HomePage, client: Client, django_assert_num_queries
) -> None:
    """A full render of a results page of ten hits of seven page types, as the content grows."""
    for extra in (0, 12):
        _add_content(extra)
        client.get("/zoeken/?q=geweld")
        bump_generation()  # a full render, not the cached page
        with django_assert_num_queries(SEARCH_QUERIES):
            response = client.get("/zoeken/?q=geweld")
        assert response.status_code == 200
        assert response.content.decode().count('<h3><a href="') == 10


def test_a_cached_search_costs_no_query(
    demo_site: HomePage, client: Client, django_assert_num_queries
) -> None:
    client.get("/zoeken/?q=geweld&pagina=2")
    with django_assert_num_queries(0):
        assert client.get("/zoeken/?q=geweld&pagina=2").status_code == 200
