"""Journey steps for risk and flags (issue 17, items 2 and 4), kept apart from test_journeys.py
so each step reads as one line there: the case director assesses the mother's risk as high
with the (fictional demo) instrument and, on that, raises a flag; a partner finds it on top of
the case page and acknowledges it, and the director sees the receipt."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.journeys import Journey

FLAG_REASON = "Vader bewaart een wapen thuis en dreigde ermee (fictief)."


def assess_high_risk(journey: Journey, director: Any, case_path: str, person: str) -> None:
    """A risk assessment of ``person`` whose own judgement is "hoog", with a reason."""
    from collaboration.models import RiskInstrument
    from collaboration.risk_instruments import DEMO_INSTRUMENT, load_instrument_file

    if not RiskInstrument.objects.filter(is_active=True).exists():  # the test flushed it
        load_instrument_file(DEMO_INSTRUMENT)
    director.goto(journey.base_url + case_path)
    director.locator("#risico").get_by_role("link", name="Nieuwe risicotaxatie").click()
    director.get_by_label("Over wie gaat deze taxatie?").wait_for()
    director.get_by_label("Over wie gaat deze taxatie?").select_option(label=person)
    for fieldset in director.locator("fieldset fieldset").all():
        fieldset.get_by_label("Nee").check()
    director.locator("fieldset fieldset").first.get_by_label("Ja").check()
    director.get_by_label("Uw eigen oordeel", exact=True).select_option("high")
    director.get_by_label("Reden van uw eigen oordeel").fill("Dreiging met een wapen (fictief).")
    journey.axe(director)
    director.get_by_role("button", name="Risicotaxatie bewaren").click()
    director.wait_for_url(re.compile(r"/risicotaxatie/#taxatie-"))
    journey.axe(director)  # the risk page with the assessment
    director.goto(journey.base_url + case_path)
    expect(director.locator("#risico")).to_contain_text("Hoog")


def raise_and_acknowledge_flag(
    journey: Journey, director: Any, partner: Any, partner_name: str, case_path: str
) -> None:
    url = journey.base_url + case_path
    director.goto(url)
    director.get_by_role("link", name="Signaal plaatsen").click()
    director.get_by_label("Wapens").wait_for()
    journey.axe(director)
    director.get_by_label("Wapens").check()
    director.get_by_label("Reden").fill(FLAG_REASON)
    director.get_by_role("button", name="Signaal plaatsen").click()
    director.wait_for_url(re.compile(case_path))
    expect(director.locator("#signalen")).to_contain_text("Signaal: Wapens")

    partner.goto(url)
    alert = partner.locator("#signalen")
    expect(alert).to_contain_text("Signaal: Wapens")
    expect(alert).to_contain_text(FLAG_REASON)
    journey.axe(partner, again=True)  # the case page with an active flag
    alert.get_by_role("button", name=re.compile("^Gezien")).click()
    expect(partner.locator("#signalen")).to_contain_text("U zag dit signaal op")

    director.goto(url)
    receipts = director.locator("#signalen details.flag__receipts")
    receipts.locator("summary").click()
    expect(receipts.locator("ul").first).to_contain_text(partner_name)
