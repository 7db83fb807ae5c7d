"""Journey steps for the legal bases of sharing (issue 17, item 1), kept apart from
test_journeys.py so each step reads as one line there.

Before bringing anyone in, the case director records the mother's consent for the CAW, the
police and the CLB; every sharing form afterwards names it. Late in the journey the consent is
withdrawn: the partners are told, the register shows who received what under it, and the next
sharing act is refused in Dutch with nothing saved."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.journeys import Journey

MOTHER = "Mira Reisduin (fictief)"
TITLE_AFTER = "Notitie na het intrekken (fictief)"


def choose_basis(page: Any) -> None:
    """A sharing form: pick the first basis it offers (the journey's consent)."""
    page.get_by_label("Grondslag voor het delen").select_option(index=1)


def record_consent(journey: Journey, director: Any, case_path: str, services: list[str]) -> None:
    """The mother is added to the case and her consent registered for ``services``."""
    director.goto(journey.base_url + case_path)
    director.get_by_role("link", name="Gezinslid toevoegen").click()
    director.get_by_label("Naam").wait_for()
    journey.axe(director)
    director.get_by_label("Naam").fill(MOTHER)
    director.get_by_label("Rol in het gezin").select_option(label="Moeder")
    director.get_by_role("button", name="Toevoegen").click()
    director.wait_for_url(re.compile(case_path))
    director.get_by_role("link", name="Toestemmingen, casusoverleg en noodtoestand").click()
    director.get_by_role("heading", name="Grondslagen voor het delen", level=1).wait_for()
    journey.axe(director)
    director.get_by_role("link", name="Toestemming registreren").click()
    director.get_by_role("heading", name="Toestemming registreren").wait_for()
    journey.axe(director)
    director.get_by_label("Toestemming van").select_option(label=MOTHER)
    director.get_by_label("Waarvoor geldt de toestemming?").fill(
        "Afstemming van de hulp voor moeder en kinderen (fictief)."
    )
    for name in services:
        director.get_by_label(name, exact=True).check()
    today = timezone.localdate().isoformat()
    director.get_by_label("Gegeven op").fill(today)
    director.get_by_label("Hoe werd de toestemming vastgelegd?").select_option(
        label="Schriftelijk, ondertekend formulier"
    )
    director.get_by_label("Is het gezin hiervan op de hoogte gebracht?").select_option(label="Ja")
    director.get_by_label("Geïnformeerd op").fill(today)
    director.get_by_role("button", name="Registreren").click()
    director.get_by_role("heading", name="Grondslagen voor het delen", level=1).wait_for()
    expect(director.locator("main")).to_contain_text(MOTHER)
    expect(director.locator("main")).to_contain_text("Geldig")
    journey.axe(director, again=True)  # the register with a basis in it
    director.goto(journey.base_url + case_path)


def withdraw_consent_and_refuse(
    journey: Journey, director: Any, partner: Any, case_path: str
) -> None:
    """The consent is withdrawn; the partner (``partner``, a signed-in page) sees a
    notification; the next timeline entry without a basis is refused and not saved."""
    director.goto(journey.base_url + case_path)
    director.get_by_role("link", name="Toestemmingen, casusoverleg en noodtoestand").click()
    director.get_by_role("link", name=re.compile("^Toestemming intrekken")).first.click()
    director.get_by_role("heading", name="Toestemming intrekken of grondslag beëindigen").wait_for()
    journey.axe(director)
    director.get_by_label("Reden").fill("Moeder trekt haar toestemming in (fictief).")
    director.get_by_role("button", name="Intrekken of beëindigen").click()
    director.get_by_role("heading", name="Wie ontving wat op deze grondslag").wait_for()
    expect(director.locator("main")).to_contain_text("Ingetrokken")
    journey.axe(director)  # what was shared under the withdrawn consent
    partner.goto(journey.base_url + "/samenwerking/meldingen/")
    expect(partner.locator("main")).to_contain_text("Een toestemming om te delen is ingetrokken")
    journey.axe(partner)

    director.goto(journey.base_url + case_path)
    director.get_by_role("link", name="Tijdlijn aanvullen").click()
    basis = director.get_by_label("Grondslag voor het delen")
    expect(basis.locator("option")).to_have_count(1)  # only "Kies een grondslag"
    director.get_by_label("Soort").select_option(label="Notitie")
    director.get_by_label("Datum").fill(timezone.localdate().isoformat())
    director.get_by_label("Titel").fill(TITLE_AFTER)
    director.get_by_role("button", name="Toevoegen").click()
    expect(director.locator(".error-summary, [role=alert]").first).to_contain_text(
        "Kies de grondslag waarop u deelt"
    )
    expect(director.get_by_label("Titel")).to_have_value(TITLE_AFTER)  # nothing typed is lost
    journey.axe(director, again=True)  # the refused form
    director.goto(journey.base_url + case_path)
    expect(director.locator("#tijdlijn")).not_to_contain_text(TITLE_AFTER)
