"""Journey step for correcting a wrongly shared entry (issue 15, item 1), kept apart from
test_journeys.py so the step reads as one line there.

The case director shares a note with everyone, sees that the CAW should not have it, narrows it
to the police (the CAW's page no longer shows it at once) and corrects its title with a reason;
the police partner reads the corrected title with "Gecorrigeerd op … door …" and can open the
earlier version."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.journey_bases import choose_basis
from tests.browser.journeys import Journey

WRONG_TITLE = "Gesprek met moeder over de nieuwe school (fictief)"
RIGHT_TITLE = "Gesprek met moeder over de veiligheid thuis (fictief)"
REASON = "De titel noemde de school van de kinderen."


def correct_wrongly_shared_entry(
    journey: Journey, director: Any, caw: Any, police: Any, case_path: str
) -> None:
    """``caw`` and ``police`` are the partners' signed-in pages."""
    url = journey.base_url + case_path
    director.goto(url)
    director.get_by_role("link", name="Tijdlijn aanvullen").click()
    director.get_by_role("heading", name="Tijdlijn aanvullen").wait_for()
    journey.axe(director)
    director.get_by_label("Soort").select_option(label="Notitie")
    director.get_by_label("Datum").fill(timezone.localdate().isoformat())
    director.get_by_label("Titel").fill(WRONG_TITLE)
    director.get_by_label("Omschrijving").fill("Moeder vertelde over de afspraken thuis.")
    choose_basis(director)
    director.get_by_role("button", name="Toevoegen").click()
    director.wait_for_url(re.compile(case_path))
    caw.goto(url)
    expect(caw.locator("#tijdlijn")).to_contain_text(WRONG_TITLE)

    # Narrowed to the police: the CAW no longer sees it, at once.
    entry = director.locator("#tijdlijn li.timeline__item").filter(has_text=WRONG_TITLE)
    entry.get_by_role("link", name=re.compile("^Zichtbaarheid beperken")).click()
    director.get_by_role("heading", name="Zichtbaarheid van een tijdlijnitem beperken").wait_for()
    journey.axe(director)
    sectors = director.get_by_role("group", name="Sectoren die het item blijven zien")
    for box in sectors.get_by_role("checkbox").all():
        box.set_checked(box.evaluate("node => node.labels[0].textContent.trim()") == "Politie")
    services = director.get_by_role("group", name="Diensten die het item blijven zien")
    for box in services.get_by_role("checkbox").all():
        box.set_checked(False)
    director.get_by_role("button", name="Zichtbaarheid beperken").click()
    director.wait_for_url(re.compile(case_path))
    caw.goto(url)
    expect(caw.locator("#tijdlijn")).not_to_contain_text(WRONG_TITLE)

    # Corrected with a reason; the earlier version stays readable to those who see the entry.
    entry = director.locator("#tijdlijn li.timeline__item").filter(has_text=WRONG_TITLE)
    entry.get_by_role("link", name=re.compile("^Corrigeren")).click()
    director.get_by_label("Titel").wait_for()
    journey.axe(director)
    director.get_by_label("Titel").fill(RIGHT_TITLE)
    director.get_by_label("Reden van de correctie", exact=False).fill(REASON)
    director.get_by_role("button", name="Correctie bewaren").click()
    director.wait_for_url(re.compile(case_path))
    police.goto(url)
    corrected = police.locator("#tijdlijn li.timeline__item").filter(has_text=RIGHT_TITLE)
    expect(corrected).to_contain_text("Gecorrigeerd op")
    expect(corrected).to_contain_text(REASON)
    corrected.get_by_text("Eerdere versie bekijken").click()
    expect(corrected).to_contain_text(WRONG_TITLE)
    journey.axe(police)  # the case page with a corrected entry and its history open
    caw.goto(url)
    expect(caw.locator("#tijdlijn")).not_to_contain_text(RIGHT_TITLE)
