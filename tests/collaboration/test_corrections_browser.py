"""Correcting on a phone, in headless Chromium at 320 px: the correction form and the case page
with an opened correction history fit the width (no horizontal scroll) and pass axe (WCAG 2.2
AA); the history opens from the keyboard."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from collaboration.services import timeline
from tests.axe import assert_no_axe_violations
from tests.collaboration.test_director_overview_browser import _fits, _signed_in
from tests.factories.legal_bases import standing_basis

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = "Gesprek met moeder over de afspraken met de school en het CLB (fictief)"
RIGHT_TITLE = "Gesprek met moeder over de veiligheid thuis en de afspraken (fictief)"


def test_a_correction_on_a_phone(browser, live_server, world, verified_client) -> None:
    timeline.timeline_entry_add(
        actor=world.director,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        kind="note",
        occurred_on=timezone.localdate(),
        title=LONG_TITLE,
        body="Een lange omschrijving zonder spaties: " + "veiligheidsafspraken" * 6,
    )
    page = _signed_in(browser, live_server, verified_client, world.director)
    page.goto(f"{live_server.url}/samenwerking/dossiers/{world.case.reference}/")
    entry = page.locator("#tijdlijn li.timeline__item").filter(has_text=LONG_TITLE)
    entry.get_by_role("link", name=re.compile("^Corrigeren")).click()
    page.get_by_label("Titel").wait_for()
    _fits(page)
    assert_no_axe_violations(page)

    page.get_by_label("Titel").fill(RIGHT_TITLE)
    page.get_by_role("button", name="Correctie bewaren").click()  # no reason: refused
    expect(page.locator(".error-summary, [role=alert]").first).to_contain_text(
        "reden", ignore_case=True
    )
    assert page.get_by_label("Titel").input_value() == RIGHT_TITLE  # nothing typed is lost
    _fits(page)
    assert_no_axe_violations(page)

    page.get_by_label("Reden van de correctie").fill("De titel noemde de school.")
    page.get_by_role("button", name="Correctie bewaren").click()
    page.wait_for_url(re.compile(rf"/dossiers/{world.case.reference}/"))
    corrected = page.locator("#tijdlijn li.timeline__item").filter(has_text=RIGHT_TITLE)
    summary = corrected.get_by_text("Eerdere versie bekijken")
    summary.focus()
    page.keyboard.press("Enter")
    expect(corrected.locator("details")).to_have_attribute("open", "")
    expect(corrected.locator("details")).to_contain_text(LONG_TITLE)
    _fits(page)
    assert_no_axe_violations(page)
