"""Issue 16 item 6: the English pages that help, with English interface labels."""

from __future__ import annotations

import pytest
from django.test import Client

from content.models import HomePage

pytestmark = pytest.mark.django_db

ENGLISH_PAGES = {
    "/en/": "Veilig Huis",
    "/en/wat-is-intrafamiliaal-geweld/": "What is intrafamilial violence?",
    "/en/hulp-nodig/": "Need help?",
    "/en/hulp-nodig/veilig-surfen/": "Browse safely",
    "/en/consultvraag/": "Consultation for professionals",
}
DUTCH_LABELS = ("Hoofdmenu", "Toegankelijkheid", "Waar zoekt u naar?", "Engels", "Kruimelpad")


def test_english_pages_exist_with_english_labels(demo_site: HomePage, client: Client) -> None:
    for path, title in ENGLISH_PAGES.items():
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert '<html lang="en">' in body, path
        assert f"<h1>{title}</h1>" in body, path
        assert 'aria-label="Main menu"' in body, path
        assert ">Accessibility<" in body, path
        assert 'class="visually-hidden">What are you looking for?</label>' in body, path
        assert 'hreflang="nl-be">Nederlands<' in body, path
        for label in DUTCH_LABELS:
            assert label not in body, (path, label)
    help_page = client.get("/en/hulp-nodig/").content.decode()
    assert 'href="tel:1712"' in help_page
    assert 'href="tel:102"' in help_page
    # "Browse safely" beside the quick exit leads to the English page on English pages.
    assert 'href="/en/hulp-nodig/veilig-surfen/">Browse safely<' in help_page
    consult = client.get("/en/consultvraag/").content.decode()
    assert 'name="regio"' in consult
    assert "Vraag versturen" not in consult


def test_language_switch_names_each_language_in_itself(demo_site: HomePage, client: Client) -> None:
    for path in ("/zoeken/", "/plattegrond/", "/hulp-nodig/"):
        body = client.get(path).content.decode()
        assert 'hreflang="en">English<' in body, path
        assert "Engels" not in body, path


def test_html_sitemap_lists_public_pages_and_footer_links_it(
    demo_site: HomePage, client: Client
) -> None:
    body = client.get("/plattegrond/").content.decode()
    for path in ("/hulp-nodig/", "/hulp-nodig/veilig-surfen/", "/centra/kempen/", "/partners/caw/"):
        assert f'href="{path}"' in body, path
    listing = body.split('<ul class="sitemap">', 1)[1].split("</div>", 1)[0]
    assert "/en/" not in listing
    assert 'href="/plattegrond/">Sitemap<' in body
    assert 'href="/sitemap.xml"' not in client.get("/").content.decode()
    english = client.get("/en/plattegrond/").content.decode()
    assert 'href="/en/hulp-nodig/"' in english
    assert 'href="/en/plattegrond/">Sitemap<' in english
