"""Issue 16 item 5: Dutch stemming on SQLite and PostgreSQL alike, English pages in English.

Runs on the database the suite is given: SQLite by default, PostgreSQL when DATABASE_URL points
at it (CI). Both were run for the change that added it.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.search.backends import get_search_backend

from content.models import HomePage
from content.search_backend import search_config_for, stem_text

pytestmark = pytest.mark.django_db


def _result_paths(client: Client, query: str, prefix: str = "") -> set[str]:
    body = client.get(prefix + reverse("content_search"), {"q": query}).content.decode()
    start = body.find('<ol class="search-results">')
    if start == -1:
        return set()
    listing = body[start : body.find("</ol>", start)]
    return {part.split('"', 1)[0] for part in listing.split('<h3><a href="')[1:]}


def test_stems_follow_postgresql_dutch_and_english() -> None:
    assert stem_text("partner partners", "nl-be") == "partner partner"
    # dutch_porter, as PostgreSQL's 'dutch' configuration: 'geweld' stays 'geweld'.
    assert stem_text("Geweld kinderen aanmeldingen", "nl-be") == "geweld kinder aanmeld"
    assert stem_text("families family", "en") == "famili famili"
    assert stem_text("geïnteresseerd", "nl-be") == stem_text("geinteresseerd", "nl-be")
    assert search_config_for("nl-be") == "dutch"
    assert search_config_for("en") == "english"
    assert search_config_for("fr") == "dutch"  # unknown languages: the site's default


def test_backend_is_the_language_aware_one() -> None:
    backend = type(get_search_backend()).__name__
    expected = {
        "postgresql": "LanguagePostgresSearchBackend",
        "sqlite": "StemmingSQLiteSearchBackend",
    }
    assert backend == expected[connection.vendor]


def test_partner_and_partners_find_the_same_pages(demo_site: HomePage, client: Client) -> None:
    singular = _result_paths(client, "partner")
    plural = _result_paths(client, "partners")
    assert singular == plural
    assert len(singular) >= 5, singular
    assert "/partners/caw/" in singular
    assert _result_paths(client, "Kinderen") == _result_paths(client, "kinderen")


def test_english_pages_are_searched_in_english(demo_site: HomePage, client: Client) -> None:
    # 'families' meets 'family' only through the English stemmer (Dutch stems differ).
    with translation.override("en"):
        found = _result_paths(client, "families")
    assert "/en/wat-is-intrafamiliaal-geweld/" in found
    # The Dutch site does not list English pages.
    assert not any(path.startswith("/en/") for path in _result_paths(client, "violence"))


def test_header_search_field_on_every_page(demo_site: HomePage, client: Client) -> None:
    for path in ("/", "/centra/kempen/", "/consultvraag/", "/en/", "/account/aanmelden/"):
        body = client.get(path).content.decode()
        assert '<form method="get" action="' in body, path
        assert 'role="search" class="site-search"' in body, path
        assert '<label for="site-search-query"' in body, path
    assert 'action="/en/zoeken/"' in client.get("/en/").content.decode()
