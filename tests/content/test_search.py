"""Search over published pages, with snippets and pagination."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from content.models import HomePage, NewsIndexPage, NewsPage, StandardPage
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
    # Shown as typed, escaped by the template; only the words are searched.
    assert "Geen resultaten voor &#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27;" in body or (
        "Geen resultaten voor '&lt;script&gt;alert(1)&lt;/script&gt;'" in body
    )


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


def test_a_page_number_that_is_not_one_shows_the_first_page(
    demo_site: HomePage, client: Client
) -> None:
    for number in ("abc", "-1", "1.5", "²", ""):
        response = client.get(reverse("content_search"), {"q": "geweld", "pagina": number})
        assert response.status_code == 200, number
        body = response.content.decode()
        assert "resultaten voor 'geweld'" in body, number
        assert body.count('<h3><a href="') == RESULTS_PER_PAGE, number


def test_a_very_long_query_is_searched_by_its_beginning(
    demo_site: HomePage, client: Client
) -> None:
    response = client.get(reverse("content_search"), {"q": "partnergeweld " + "x" * 10_000})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Uw zoekvraag was langer dan 200 tekens. We zochten met het begin ervan." in body
    assert "Geen resultaten voor 'partnergeweld " in body  # the cut word matches nothing


@pytest.mark.parametrize("query", ['"', "'", '"partnergeweld', "partner'geweld\"", "* -", "NEAR("])
def test_stray_quotes_and_search_syntax_are_words_or_nothing(
    demo_site: HomePage, client: Client, query: str
) -> None:
    response = client.get(reverse("content_search"), {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    if any(char.isalpha() for char in query):
        assert "voor '" in body  # "... resultaten voor '...'" or "Geen resultaten voor '...'"
    else:
        assert "Uw zoekvraag bevat geen woorden." in body


def test_the_query_is_shown_as_it_was_searched(demo_site: HomePage, client: Client) -> None:
    """As typed (trimmed): the visitor finds their own words in the box; the words are searched."""
    body = client.get(reverse("content_search"), {"q": '  "PartnerGeweld!" '}).content.decode()
    assert 'value="&quot;PartnerGeweld!&quot;"' in body
    assert "voor '&quot;PartnerGeweld!&quot;'" in body or (
        "voor &#x27;&quot;PartnerGeweld!&quot;&#x27;" in body
    )
    assert "<mark>partnergeweld</mark>" in body.lower()


def test_each_page_type_gives_its_own_text(demo_site: HomePage, client: Client) -> None:
    """Hits are not loaded as specific pages: the text comes from the right column per type
    (a course's own summary first, a page's search description before its introduction)."""
    from decimal import Decimal

    from content.training.models import CoursePage, TrainingIndexPage

    with_intro = StandardPage(title="Zebrapad thuis", slug="zebrapad-thuis", intro="Inleiding A.")
    described = StandardPage(
        title="Zebrapad buiten",
        slug="zebrapad-buiten",
        intro="Inleiding B.",
        search_description="Beschrijving B.",
    )
    for page in (with_intro, described):
        demo_site.add_child(instance=page)
        page.save_revision().publish()
    index = TrainingIndexPage.objects.child_of(demo_site).first()
    if index is None:
        index = TrainingIndexPage(title="Vorming", slug="vorming-zebrapad")
        demo_site.add_child(instance=index)
        index.save_revision().publish()
    course = CoursePage(
        title="Zebrapad cursus",
        slug="zebrapad-cursus",
        summary="Omschrijving C.",
        search_description="Beschrijving C.",
        audience="Iedereen",
        duration="1 uur",
        training_hours=Decimal("1.0"),
        learning_objectives="<p>Oversteken.</p>",
    )
    index.add_child(instance=course)
    course.save_revision().publish()
    body = client.get(reverse("content_search"), {"q": "zebrapad"}).content.decode()
    assert "3 resultaten voor 'zebrapad'" in body
    assert "Inleiding A." in body
    assert "Beschrijving B." in body and "Inleiding B." not in body
    assert "Omschrijving C." in body and "Beschrijving C." not in body
