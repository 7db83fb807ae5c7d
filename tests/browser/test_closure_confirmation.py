"""Closing a case with one "Nee" in headless Chromium (issue 15, item 5): the page says before
sending that a "Nee" needs a reason and a coordinator; without a reason the error sits at the
reason field; with one the case waits; the coordinator (not the case director) reads the
request and confirms; the closed case shows the reason and who confirmed. Axe on every page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from collaboration.models import Case, ClosureRequest, Phase
from collaboration.services import cases as case_services
from collaboration.services import plans
from tests.axe import assert_no_axe_violations
from tests.collaboration.test_case_flow_browser import _signed_in
from tests.factories.cases import approve_current_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Eén nieuw incident in januari; het gezin werkt mee met het CAW."


def _in_completion(people: Any) -> Case:
    case = people.case
    goal = plans.goal_add(actor=people.director, case=case, domain="safety", description="Veilig")
    action = plans.action_add(
        actor=people.director,
        case=case,
        goal_id=goal.pk,
        description="Crisisbegeleiding",
        organisation_id=people.caw.pk,
        responsible=people.caw_partner,
        due_date=None,
    )
    past = datetime.date(2025, 1, 6)
    plans.plan_mark_presented(actor=people.director, case=case, presented_on=past)
    approve_current_plan(coordinator=people.coordinator, case=case)
    case_services.case_phase_change(actor=people.director, case=case, to_phase=Phase.EXECUTION)
    plans.action_status_set(actor=people.caw_partner, case=case, action_id=action.pk, status="done")
    plans.plan_evaluate(actor=people.director, case=case, evaluation="Bereikt.", evaluated_on=past)
    return case_services.case_phase_change(
        actor=people.director, case=case, to_phase=Phase.COMPLETION
    )


def test_close_with_one_no_through_the_coordinators_confirmation(
    browser,
    live_server,
    world,
    verified_client,
) -> None:
    case = _in_completion(world)
    case_url = f"{live_server.url}/samenwerking/dossiers/{case.reference}/"

    director = _signed_in(browser, live_server, verified_client, world.director)
    director.goto(case_url)
    director.get_by_role("link", name="Afsluiten met de afrondingscriteria").click()
    # said before anything is sent
    expect(director.locator("#nee-uitleg")).to_contain_text("coördinator")
    assert_no_axe_violations(director)
    for group in director.locator("main form").get_by_role("group").all():
        group.get_by_label("Ja").check()
    director.get_by_role("group", name="Geen nieuw intrafamiliaal geweld").get_by_label(
        "Nee"
    ).check()
    director.get_by_label("Samenvatting bij de afsluiting").fill("Hulp loopt via het CAW.")
    director.get_by_label("Wie contacteren voor wat", exact=False).fill("CAW: onthaal.")
    director.get_by_role("button", name="Dossier afsluiten").click()
    # the error belongs to the reason field, in Dutch; nothing was saved
    reason = director.get_by_label("Waarom niet: Geen nieuw intrafamiliaal geweld")
    field = director.locator(".field", has=reason)
    expect(field).to_contain_text("Schrijf waarom dit criterium niet vervuld is.")
    assert_no_axe_violations(director)
    assert not ClosureRequest.objects.exists()
    reason.fill(REASON)
    director.get_by_role("button", name="Dossier afsluiten").click()
    expect(director.locator("body")).to_contain_text("wacht op de bevestiging van een coördinator")
    expect(director.locator(".summary").first).to_contain_text("Afronding")
    assert director.get_by_role("link", name="Afsluiting bevestigen of weigeren").count() == 0
    assert_no_axe_violations(director)

    coordinator = _signed_in(browser, live_server, verified_client, world.coordinator)
    coordinator.goto(f"{live_server.url}/samenwerking/meldingen/")
    coordinator.get_by_role("link", name="Een goedkeuring wacht op u").first.click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        "Afsluiting bevestigen of weigeren"
    )
    expect(coordinator.locator("main")).to_contain_text(REASON)
    assert_no_axe_violations(coordinator)
    coordinator.get_by_role("button", name="Beslissing bewaren").click()  # nothing chosen
    expect(coordinator.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(coordinator)
    coordinator.get_by_label("Bevestigen", exact=False).check()
    coordinator.get_by_role("button", name="Beslissing bewaren").click()
    expect(coordinator.locator(".summary").first).to_contain_text("Afgesloten")

    director.goto(case_url)
    expect(director.locator(".summary").first).to_contain_text("Afgesloten")
    expect(director.locator("main")).to_contain_text(REASON)
    expect(director.locator("main")).to_contain_text("bevestigd door coördinator Cora Coördinator")
    assert_no_axe_violations(director)
