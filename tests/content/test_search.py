"""Search over published pages, with snippets and pagination."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from content.models import HomePage, NewsIndexPage, NewsPage
from content.search import RESULTS_PER_PAGE

pytestmark = pytest.mark.django_db


def test_search_finds_partnergeweld_with_a_highlighted_snippet(
    demo_site: HomePage, client: Client
) -> None:
    response = client.get(reverse("content_search"), {"q": "partnergeweld"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="/vormen-van-geweld/partnergeweld/"' in body
    assert "<mark>partnergeweld</mark>" in body


def test_unpublished_pages_are_not_found(demo_site: HomePage, client: Client) -> None:
    page = Page.objects.get(slug="partnergeweld").specific
    page.unpublish()
    body = client.get(reverse("content_search"), {"q": "partnergeweld"}).content.decode()
    assert 'href="/vormen-van-geweld/partnergeweld/"' not in body


def test_query_is_escaped(demo_site: HomePage, client: Client) -> None:
    body = client.get(
        reverse("content_search"), {"q": "<script>alert(1)</script>"}
    ).content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;" in body


def test_results_are_paginated(demo_site: HomePage, client: Client) -> None:
    index = NewsIndexPage.objects.get()
    for number in range(RESULTS_PER_PAGE + 2):
        index.add_child(
            instance=NewsPage(
                title=f"Zoekbaar bericht {number}",
                slug=f"zoekbaar-{number}",
                intro="Over zoekbaarheid.",
            )
        )
    first = client.get(reverse("content_search"), {"q": "zoekbaar"}).content.decode()
    assert f"{RESULTS_PER_PAGE + 2} resultaten" in first
    assert "pagina=2" in first
    second = client.get(
        reverse("content_search"), {"q": "zoekbaar", "pagina": "2"}
    ).content.decode()
    assert second.count("Zoekbaar bericht") == 2


def test_empty_and_odd_queries_do_not_fail(demo_site: HomePage, client: Client) -> None:
    assert client.get(reverse("content_search")).status_code == 200
    assert client.get(reverse("content_search"), {"q": "   "}).status_code == 200
    assert (
        client.get(reverse("content_search"), {"q": "geweld", "pagina": "abc"}).status_code == 200
    )
