"""Flags in headless Chromium at 320 px: a partner raises a flag through the form, a second
partner finds it on the dashboard and on top of the case page and acknowledges it ("Gezien"),
and the director opens the receipts of the flag from the keyboard and sees who saw it and who
not yet. Every page fits the width (no horizontal scroll) and passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from collaboration.models import FamilyMember
from tests.axe import assert_no_axe_violations
from tests.collaboration.test_director_overview_browser import _fits, _signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Vader heeft een jachtgeweer in huis en dreigde ermee tegen moeder (fictief)."


def test_a_partner_acknowledges_a_flag_and_the_director_sees_the_receipt(
    browser, live_server, world, verified_client
) -> None:
    FamilyMember.objects.create(case=world.case, name="Mila Fictiefkind", family_role="child")
    case_url = f"{live_server.url}/samenwerking/dossiers/{world.case.reference}/"

    caw = _signed_in(browser, live_server, verified_client, world.caw_partner)
    caw.goto(case_url)
    caw.get_by_role("link", name="Signaal plaatsen").click()
    caw.get_by_label("Wapens").wait_for()
    _fits(caw)
    assert_no_axe_violations(caw)
    caw.get_by_label("Wapens").check()
    caw.get_by_role("button", name="Signaal plaatsen").click()  # no reason: refused
    expect(caw.locator(".error-summary, [role=alert]").first).to_contain_text(
        "reden", ignore_case=True
    )
    _fits(caw)
    assert_no_axe_violations(caw)
    caw.get_by_label("Over wie").select_option(label="Mila Fictiefkind (Kind)")
    caw.get_by_label("Reden").fill(REASON)
    caw.get_by_role("button", name="Signaal plaatsen").click()
    caw.wait_for_url(re.compile(rf"/dossiers/{world.case.reference}/"))
    expect(caw.locator("#signalen")).to_contain_text("U plaatste dit signaal.")
    caw.context.close()

    police = _signed_in(browser, live_server, verified_client, world.police_partner)
    police.goto(f"{live_server.url}/samenwerking/")
    expect(police.locator("main")).to_contain_text("1 signaal dat u nog niet zag")
    _fits(police)
    assert_no_axe_violations(police)
    police.get_by_role("link", name=world.case.reference).first.click()
    alert = police.locator("#signalen")
    expect(alert).to_contain_text("Let op: 1 actief signaal")
    expect(alert).to_contain_text("Signaal: Wapens")
    expect(alert).to_contain_text("over Mila Fictiefkind")
    # the alert comes before the state of affairs
    assert police.evaluate(
        "document.querySelector('#signalen').compareDocumentPosition("
        "document.querySelector('#stand')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    _fits(police)
    assert_no_axe_violations(police)
    alert.get_by_role("button", name=re.compile("^Gezien")).click()
    expect(police.locator("#signalen")).to_contain_text("U zag dit signaal op")
    expect(
        police.locator("#signalen").get_by_role("button", name=re.compile("^Gezien"))
    ).to_have_count(0)
    police.goto(f"{live_server.url}/samenwerking/")
    expect(police.locator("main")).not_to_contain_text("nog niet zag")
    police.context.close()

    director = _signed_in(browser, live_server, verified_client, world.director)
    director.goto(case_url)
    receipts = director.locator("#signalen details.flag__receipts")
    summary = receipts.locator("summary")
    # not yet: the director and the referring CLB (a participant since the referral)
    expect(summary).to_contain_text("Gezien door 1 persoon, 2 nog niet")
    summary.focus()
    director.keyboard.press("Enter")
    expect(receipts).to_have_attribute("open", "")
    expect(receipts).to_contain_text("Paul Politie")
    expect(receipts.locator("ul").last).to_contain_text("Rik Regisseur")
    expect(receipts.locator("ul").last).to_contain_text("Cleo CLB")
    expect(receipts.locator("ul").first).to_contain_text("Paul Politie")
    _fits(director)
    assert_no_axe_violations(director)
