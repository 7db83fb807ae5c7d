"""Menus, breadcrumbs, languages, sitemap, robots.txt, meta descriptions and Open Graph."""

from __future__ import annotations

import pytest
from django.test import Client

from content.models import HomePage

pytestmark = pytest.mark.django_db


def test_main_menu_and_breadcrumbs(demo_site: HomePage, client: Client) -> None:
    body = client.get("/over-veilig-huis/intensieve-casusregie/").content.decode()
    assert '<a href="/hulp-nodig/">Hulp nodig?</a>' in body
    assert 'href="/over-veilig-huis/" aria-current="true"' in body
    assert '<nav aria-label="Kruimelpad"' in body
    assert '<span aria-current="page">Intensieve casusregie</span>' in body


def test_meta_description_and_open_graph(demo_site: HomePage, client: Client) -> None:
    body = client.get("/wat-is-intrafamiliaal-geweld/").content.decode()
    assert '<meta name="description" content="Intrafamiliaal geweld is elke vorm' in body
    assert '<meta property="og:title" content="Wat is intrafamiliaal geweld?">' in body
    assert '<meta property="og:locale" content="nl_BE">' in body


def test_language_switch_and_english_pages(demo_site: HomePage, client: Client) -> None:
    dutch = client.get("/wat-is-intrafamiliaal-geweld/").content.decode()
    assert 'href="/en/wat-is-intrafamiliaal-geweld/" lang="en" hreflang="en">English<' in dutch
    english = client.get("/en/wat-is-intrafamiliaal-geweld/")
    assert english.status_code == 200
    body = english.content.decode()
    assert "What is intrafamilial violence?" in body
    assert '<html lang="en">' in body
    assert '<meta property="og:locale" content="en_GB">' in body
    assert 'lang="nl-be" hreflang="nl-be">Nederlands<' in body
    assert "Browse safely" in body  # the interface follows the language (content/locale/en)
    assert "Veilig surfen" in dutch


def test_sitemap_lists_pages_in_both_languages(demo_site: HomePage, client: Client) -> None:
    body = client.get("/sitemap.xml").content.decode()
    for path in (
        "/partners/caw/",
        "/centra/kempen/",
        "/hulp-nodig/veilig-surfen/",
        "/en/wat-is-intrafamiliaal-geweld/",
    ):
        assert f"{path}</loc>" in body


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_areas(
    client: Client,
) -> None:
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /samenwerking/" in body
    assert "Disallow: /cms/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_unknown_page_is_a_404(demo_site: HomePage, client: Client) -> None:
    assert client.get("/bestaat-niet/").status_code == 404


def test_quick_exit_on_every_public_page_works_without_javascript(
    demo_site: HomePage, client: Client
) -> None:
    for path in ("/", "/partners/caw/", "/zoeken/?q=geweld", "/consultvraag/", "/en/"):
        body = client.get(path).content.decode()
        assert 'class="quick-exit__button" href="/snel-weg/"' in body, path
        assert 'href="/hulp-nodig/veilig-surfen/">Veilig surfen<' in body or "/en/" in path, path
        assert "js/quick-exit" in body
