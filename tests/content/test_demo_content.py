"""The demo site carries the source's content: partners, centres, phases, closure criteria."""

from __future__ import annotations

import pytest
from wagtail.models import Locale, Page

from content.demo_site import ensure_demo_site
from content.models import (
    CentrePage,
    ConsultPage,
    HomePage,
    PartnerPage,
    SiteContactSettings,
    StandardPage,
    ViolenceFormPage,
)

pytestmark = pytest.mark.django_db

PARTNERS = {"K&G", "VK", "OCJ/SDJ", "OCMW", "CAW", "CGG", "Politie", "Parket", "Justitiehuizen"}
CITIES = {
    "Antwerpen",
    "Geel",
    "Mechelen",
    "Hasselt",
    "Leuven",
    "Halle",
    "Gent",
    "Kortrijk",
    "Oostende",
}


def _dutch(slug: str) -> StandardPage:
    return StandardPage.objects.filter(locale__language_code="nl-be").get(slug=slug)


def _text(page: Page) -> str:
    return " ".join([page.title, page.intro, str(page.body)])


def test_the_nine_partner_services(demo_site: HomePage) -> None:
    partners = PartnerPage.objects.live()
    assert {p.abbreviation or p.title for p in partners} == PARTNERS


def test_the_nine_centres_with_their_cities(demo_site: HomePage) -> None:
    assert set(CentrePage.objects.live().values_list("city", flat=True)) == CITIES
    ghent = CentrePage.objects.get(city="Gent")
    assert ghent.email == "veilighuis.oostvlaanderen@vlaanderen.be"


def test_the_five_forms_of_violence(demo_site: HomePage) -> None:
    titles = set(ViolenceFormPage.objects.live().values_list("title", flat=True))
    assert titles == {
        "Kindermishandeling",
        "Geweld tussen broers en zussen",
        "Oudermishandeling",
        "Partnergeweld",
        "Ouderenmis(be)handeling",
    }


def test_case_direction_has_three_phases_and_five_closure_criteria(demo_site: HomePage) -> None:
    page = _dutch("intensieve-casusregie")
    text = _text(page)
    for phase in ("Exploratie", "Uitvoering", "Afronding"):
        assert phase in text
    for criterion in (
        "Er is geen nieuw intrafamiliaal geweld.",
        "Er is vooruitgang geboekt.",
        "De hulpverlening loopt.",
        "Iedereen kent elkaar.",
        "Het gezin weet bij wie het voor wat terechtkan.",
    ):
        assert criterion in text
    assert "opnieuw geopend" in text


def test_figures_and_facts_from_the_source(demo_site: HomePage) -> None:
    ifg = _text(_dutch("wat-is-intrafamiliaal-geweld"))
    for fact in ("27.000", "een op de vier", "35 keer", "dark number", "coronacrisis", "relatie"):
        assert fact in ifg
    about = _text(_dutch("over-veilig-huis"))
    assert "25 november 2023" in about
    assert "niet zelf aanmelden" in about
    chain = _text(_dutch("ketenaanpak"))
    assert "december 2017" in chain


def test_oost_vlaanderen_centre_shows_fictional_contacts_and_the_mailbox(
    demo_site: HomePage,
) -> None:
    # Its contacts live on its own centre page; the consult page shows the chosen region's.
    centre = CentrePage.objects.get(slug="oost-vlaanderen", locale=demo_site.locale)
    contacts = [
        block.value["contact"] for block in centre.body if block.block_type == "contact_card"
    ]
    assert len(contacts) == 2
    assert all(person.email.endswith("@veilighuis.example") for person in contacts)
    assert centre.email == "veilighuis.oostvlaanderen@vlaanderen.be"
    consult = ConsultPage.objects.get(locale=demo_site.locale)
    assert not [block for block in consult.body if block.block_type == "contact_card"]


def test_emergency_numbers_and_browse_safely_in_site_settings(demo_site: HomePage) -> None:
    settings = SiteContactSettings.objects.get()
    assert (settings.emergency_number, settings.police_number, settings.helpline_number) == (
        "112",
        "101",
        "1712",
    )
    assert settings.browse_safely_page.slug == "veilig-surfen"


def test_english_translations_of_home_and_ifg(demo_site: HomePage) -> None:
    english = Locale.objects.get(language_code="en")
    assert demo_site.get_translation(english).live
    ifg = _dutch("wat-is-intrafamiliaal-geweld")
    assert ifg.get_translation(english).title == "What is intrafamilial violence?"


def test_building_twice_adds_nothing(demo_site: HomePage) -> None:
    count = Page.objects.count()
    ensure_demo_site()
    assert Page.objects.count() == count
