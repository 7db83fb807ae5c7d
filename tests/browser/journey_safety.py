"""Journey steps for risk, safety plans and flags (issue 17, items 2, 3 and 4), kept apart from
test_journeys.py so each step reads as one line there: a partner writes the mother's safety
plan, choosing the basis it is shared on, and the other partner finds it on the case page; the
case director assesses the mother's risk as high with the (fictional demo) instrument and, on
that, raises a flag; a partner finds it on top of the case page and acknowledges it, and the
director sees the receipt."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.journeys import Journey

FLAG_REASON = "Vader bewaart een wapen thuis en dreigde ermee (fictief)."
PLAN_SIGNS = "Vader belt veel na elkaar en wordt boos (fictief)."


def write_safety_plan(
    journey: Journey, writer: Any, reader: Any, case_path: str, person: str
) -> None:
    """``writer`` writes ``person``'s first safety plan on the journey's consent (the form
    asks for the basis); ``reader``, whose service the consent covers, sees its line."""
    from tests.browser.journey_bases import choose_basis

    url = journey.base_url + case_path
    writer.goto(url)
    line = writer.locator("#gezin li").filter(has_text=person)
    line.get_by_role("link", name="veiligheidsplan opstellen").click()
    writer.get_by_label("Waarschuwingssignalen").wait_for()
    journey.axe(writer)
    writer.get_by_label("Waarschuwingssignalen").fill(PLAN_SIGNS)
    writer.get_by_label("Veilige plekken").fill("Bij grootmoeder (fictief).")
    choose_basis(writer)
    writer.get_by_role("button", name="Nieuwe versie bewaren").click()
    writer.wait_for_url(re.compile(r"/veiligheidsplan/$"))
    expect(writer.locator("main")).to_contain_text(PLAN_SIGNS)
    expect(writer.locator("main")).to_contain_text("gedeeld op grondslag #")
    journey.axe(writer)  # the person's plan page
    reader.goto(url)
    expect(reader.locator("#gezin li").filter(has_text=person)).to_contain_text("versie 1 van")


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
