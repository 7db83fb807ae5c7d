"""Issue 16 item 4: help that can be used, centre pages that reach the centre, and the consult
page showing the chosen region's contact."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from wagtail.models import Site

from content.models import CentrePage, HomePage, SiteContactSettings

pytestmark = pytest.mark.django_db


def test_help_page_names_every_public_route(demo_site: HomePage, client: Client) -> None:
    body = client.get("/hulp-nodig/").content.decode()
    for number in ("112", "101", "1712", "102"):
        assert f'href="tel:{number}"' in body, number
    assert "Awel" in body
    assert "Centrum Algemeen Welzijnswerk (CAW)" in body
    assert 'href="/partners/caw/"' in body
    # Veilig Huis per province: all nine centre pages, linked.
    assert len(re.findall(r'href="/centra/[a-z-]+/"', body)) >= 9
    assert 'href="/consultvraag/"' in body
    # Nothing the settings do not hold: no chat, no opening hours invented in code.
    assert "Chat met" not in body
    assert "Telefoon:" not in body


def test_chat_and_opening_hours_come_from_the_settings(demo_site: HomePage, client: Client) -> None:
    settings = SiteContactSettings.for_site(Site.objects.get(is_default_site=True))
    settings.helpline_chat_url = "https://chat.example/1712"
    settings.helpline_phone_hours = "elke werkdag van 9 tot 17 uur (voorbeeld)"
    settings.helpline_chat_hours = "maandag tot vrijdag (voorbeeld)"
    settings.youth_helpline_chat_url = "https://chat.example/awel"
    settings.youth_helpline_hours = "elke dag (voorbeeld)"
    settings.caw_website = "https://caw.example/"
    settings.save()
    body = client.get("/hulp-nodig/").content.decode()
    assert 'href="https://chat.example/1712" rel="noreferrer">Chat met 1712</a>' in body
    assert "Telefoon: elke werkdag van 9 tot 17 uur (voorbeeld)" in body
    assert "maandag tot vrijdag (voorbeeld)" in body
    assert 'href="https://chat.example/awel"' in body
    assert "elke dag (voorbeeld)" in body
    assert 'href="https://caw.example/"' in body


def test_no_centre_page_links_to_this_site(demo_site: HomePage, client: Client) -> None:
    centres = list(CentrePage.objects.live().filter(locale=demo_site.locale))
    assert len(centres) == 9
    for centre in centres:
        body = client.get(centre.url).content.decode()
        assert 'href="https://www.veilighuis.be' not in body, centre.slug
        assert "www.veilighuis.be" not in body, centre.slug
        if centre.has_contact:
            assert "data-centre-without-contact" not in body, centre.slug
        else:
            # Reachable all the same: the consult page for this region, the mailbox, 1712.
            assert "data-centre-without-contact" in body, centre.slug
            assert f'href="/consultvraag/?regio={centre.slug}"' in body, centre.slug
            assert 'href="mailto:veilighuis.oostvlaanderen@vlaanderen.be"' in body
            assert "1712" in body


def test_a_centre_with_contact_fields_shows_them(demo_site: HomePage, client: Client) -> None:
    kempen = CentrePage.objects.get(slug="kempen", locale=demo_site.locale)
    kempen.phone = "014 00 00 00"
    kempen.website = "https://kempen.example/"
    kempen.save_revision().publish()
    body = client.get("/centra/kempen/").content.decode()
    assert 'href="tel:014000000"' in body
    assert 'href="https://kempen.example/"' in body
    assert "data-centre-without-contact" not in body
    ghent = client.get("/centra/oost-vlaanderen/").content.decode()
    assert 'href="mailto:veilighuis.oostvlaanderen@vlaanderen.be"' in ghent
    assert "p/a VAC Gent" in ghent


def test_consult_page_shows_the_chosen_regions_contact(demo_site: HomePage, client: Client) -> None:
    plain = client.get("/consultvraag/").content.decode()
    assert 'name="regio"' in plain
    assert "data-region-contact" not in plain
    # No centre's contact forced on everyone (it used to be always Oost-Vlaanderen's).
    assert "p/a VAC Gent" not in plain

    ghent = client.get("/consultvraag/", {"regio": "oost-vlaanderen"}).content.decode()
    assert 'data-region-contact="oost-vlaanderen"' in ghent
    assert "p/a VAC Gent" in ghent
    assert '<option value="oost-vlaanderen" selected>' in ghent

    kempen = client.get("/consultvraag/", {"regio": "kempen"}).content.decode()
    assert 'data-region-contact="kempen"' in kempen
    assert "Veilig Huis Kempen" in kempen
    assert "p/a VAC Gent" not in kempen
    assert "data-centre-without-contact" in kempen
    # The form's region follows the choice.
    assert re.search(r'<option value="kempen" selected>Kempen</option>', kempen)

    odd = client.get("/consultvraag/", {"regio": "<script>"})
    assert odd.status_code == 200
    assert "data-region-contact" not in odd.content.decode()
