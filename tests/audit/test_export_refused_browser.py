"""A refused export in headless Chromium: the CSV link with an invalid date shows the Dutch
"Niets geëxporteerd" page naming the field (axe clean), and its form leads back to the viewer."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import Journey
from tests.factories.worlds import build_agencies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_export_with_an_invalid_date_is_refused_in_dutch(browser: Any, live_server: Any) -> None:
    people = build_agencies()
    journey = Journey(browser, live_server.url)
    try:
        page = journey.sign_in(people.privacy, "/audit/export.csv?date_from=gisteren")
        page.get_by_role("heading", name="Niets geëxporteerd").wait_for()
        expect(page.get_by_role("alert")).to_contain_text("Vanaf: Voer een geldige datum in.")
        journey.axe(page)
        page.get_by_role("button", name="Filteren").click()
        page.get_by_role("heading", name="Auditlogboek").wait_for()
        journey.axe(page)
        # The refusal is a 400 on purpose; the browser reports it, and nothing else may fail.
        refused = "/audit/export.csv?date_from=gisteren: Failed to load resource"
        assert [p for p in journey.problems if refused not in p] == []
        assert journey.unchecked() == {}
    finally:
        journey.close()
