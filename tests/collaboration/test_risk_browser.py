"""Risk assessment and safety plans on a phone, in headless Chromium at 320 px: the assessment
form (also re-rendered after a refusal, nothing chosen lost), the risk page with its answers
opened, the safety-plan form and page, and the case page's two sections fit the width and pass
axe (WCAG 2.2 AA)."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from collaboration.models import BasisKind, FamilyMember, RiskInstrument
from collaboration.risk_instruments import DEMO_INSTRUMENT, load_instrument_file
from collaboration.services.legal_bases import legal_basis_record
from tests.axe import assert_no_axe_violations
from tests.browser.journey_bases import choose_basis
from tests.collaboration.test_director_overview_browser import _fits, _signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_risk_and_safety_plan_on_a_phone(browser, live_server, world, verified_client) -> None:
    if not RiskInstrument.objects.filter(is_active=True).exists():
        load_instrument_file(DEMO_INSTRUMENT)
    member = FamilyMember.objects.create(
        case=world.case, name="Mira Fictiefnaam", birth_year=1988, family_role="mother"
    )
    # A safety plan is shared on a basis (issue 17): her consent covers the CAW.
    legal_basis_record(
        actor=world.director,
        case=world.case,
        kind=BasisKind.CONSENT,
        organisation_ids=[world.vh.pk, world.caw.pk],
        purpose="Haar veiligheidsplan delen met de hulpverlening (fictief).",
        given_on=datetime.date(2026, 11, 2),
        consent_of_id=member.pk,
        consent_recorded="signed",
    )
    page = _signed_in(browser, live_server, verified_client, world.caw_partner)
    base = f"{live_server.url}/samenwerking/dossiers/{world.case.reference}"
    page.goto(f"{base}/risicotaxatie/nieuw/")
    page.get_by_label("Over wie gaat deze taxatie?").select_option(str(member.pk))
    for fieldset in page.locator("fieldset fieldset").all():
        fieldset.get_by_label("Nee").check()
    page.locator("fieldset fieldset").first.get_by_label("Ja").check()
    page.get_by_label("Uw eigen oordeel", exact=True).select_option("high")
    _fits(page)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Risicotaxatie bewaren").click()  # no reason: refused
    expect(page.locator(".error-summary").first).to_contain_text("reden")
    assert page.locator("fieldset fieldset").first.get_by_label("Ja").is_checked()
    _fits(page)
    assert_no_axe_violations(page)
    page.get_by_label("Reden van uw eigen oordeel").fill("Moeder is erg bang (fictief).")
    page.get_by_role("button", name="Risicotaxatie bewaren").click()
    page.wait_for_url(re.compile(r"/risicotaxatie/#taxatie-"))
    page.get_by_text("Antwoorden", exact=True).first.click()
    _fits(page)
    assert_no_axe_violations(page)

    page.goto(f"{base}/gezin/{member.pk}/veiligheidsplan/bewerken/")
    page.get_by_label("Waarschuwingssignalen").fill("Hij roept over geld (fictief).")
    page.get_by_label("Veilige plekken").fill("Bij de buurvrouw (fictief).")
    choose_basis(page)
    _fits(page)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Nieuwe versie bewaren").click()
    page.wait_for_url(re.compile(r"/veiligheidsplan/$"))
    expect(page.locator("main, body").first).to_contain_text("Bij de buurvrouw (fictief).")
    _fits(page)
    assert_no_axe_violations(page)

    page.goto(f"{base}/#risico")
    expect(page.locator("#risico")).to_contain_text("Hoog")
    expect(page.locator("#gezin")).to_contain_text("Veiligheidsplan: versie 1")
    _fits(page)
    assert_no_axe_violations(page)
