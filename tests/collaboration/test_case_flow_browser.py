"""The chain approach in headless Chromium: a CLB refers, the coordinator accepts, the case
director builds and presents the plan, the coordinator approves it (also at 320 px), the
director moves to execution and completion, closes with the checklist (the coordinator
confirms) and reopens after a new incident. Axe (WCAG 2.2 AA) on the main pages, and 320 px."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.axe import assert_no_axe_violations
from tests.browser.plan_steps import finish_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(browser: Any, live_server: Any, verified_client: Any, user: Any) -> Any:
    client = verified_client(user)
    context = browser.new_context(locale="nl-BE")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_referral_to_closure_and_reopening(browser, live_server, world, verified_client) -> None:
    base = live_server.url
    # 1. The CLB refers a family.
    referrer = _signed_in(browser, live_server, verified_client, world.referrer)
    referrer.goto(f"{base}/samenwerking/aanmeldingen/nieuw/")
    assert_no_axe_violations(referrer)
    referrer.get_by_role("button", name="Aanmelding versturen").click()
    expect(referrer.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(referrer)
    referrer.get_by_label("Gezinssamenstelling").fill("Moeder, vader, drie kinderen")
    referrer.get_by_label("Partnergeweld").check()
    referrer.get_by_label("Opvoeding").check()
    referrer.get_by_label("Voorwaarde 1", exact=False).fill("Politie en parket betrokken.")
    referrer.get_by_label("Voorwaarde 2", exact=False).fill("Wonen, opvoeding, financiën.")
    referrer.get_by_label("Voorwaarde 3", exact=False).fill("Hulp loopt vast.")
    referrer.get_by_role("button", name="Aanmelding versturen").click()
    referrer.wait_for_url("**/samenwerking/aanmeldingen/*/")
    referral_url = referrer.url

    # 2. The coordinator accepts and assigns the case director.
    coordinator = _signed_in(browser, live_server, verified_client, world.coordinator)
    coordinator.goto(f"{base}/samenwerking/")
    assert_no_axe_violations(coordinator)
    coordinator.goto(referral_url)
    coordinator.get_by_role("link", name="Aanvaarden", exact=True).click()
    coordinator.get_by_label("Casusregisseur").select_option(label="Rik Regisseur")
    coordinator.get_by_role("button", name="Aanvaarden en dossier openen").click()
    coordinator.wait_for_url("**/samenwerking/dossiers/VH-OVL-*/")
    case_url = coordinator.url.split("#")[0]

    # 3. The case director builds the plan of action and presents it.
    director = _signed_in(browser, live_server, verified_client, world.director)
    director.goto(case_url)
    assert_no_axe_violations(director)
    director.get_by_role("link", name="Doel toevoegen").click()
    director.get_by_label("Levensdomein").select_option(label="Veiligheid")
    director.get_by_label("Doel").fill("Geen geweld meer in het gezin")
    director.get_by_role("button", name="Toevoegen").click()
    director.get_by_role("link", name="Actie toevoegen").click()
    director.get_by_label("Actie", exact=True).fill("Netwerkoverleg 1 organiseren")
    director.get_by_label("Tegen").fill("2030-01-31")
    director.get_by_role("button", name="Toevoegen").click()
    director.get_by_role("link", name="Voorgelegd in team regie").click()
    director.get_by_role("button", name="Bewaren").click()
    # four eyes (issue 17, item 5): the coordinator approves, on a phone-sized screen too
    coordinator.set_viewport_size({"width": 320, "height": 800})
    coordinator.goto(case_url)
    coordinator.get_by_role("link", name="Plan van aanpak goedkeuren of weigeren").click()
    assert_no_axe_violations(coordinator)
    assert coordinator.evaluate("document.documentElement.scrollWidth") <= 320
    coordinator.get_by_role("button", name="Beslissing bewaren").click()  # nothing chosen
    expect(coordinator.locator(".error-summary")).to_be_visible()
    coordinator.get_by_label("Goedkeuren", exact=False).check()
    coordinator.get_by_role("button", name="Beslissing bewaren").click()
    expect(coordinator.locator("#goedkeuring")).to_contain_text("goedgekeurd door coördinator")
    assert_no_axe_violations(coordinator)
    assert coordinator.evaluate("document.documentElement.scrollWidth") <= 320
    coordinator.set_viewport_size({"width": 1280, "height": 800})

    # 4. Execution, then completion (after the action is done and the plan evaluated).
    for phase in ("Uitvoeringsfase", "Afronding"):
        if phase == "Afronding":
            finish_plan(director, evaluated_on="2026-01-05", axe=assert_no_axe_violations)
        director.get_by_role("link", name="Naar de volgende fase").click()
        director.get_by_label("Naar fase").select_option(label=phase)
        director.get_by_role("button", name="Fase wijzigen").click()
        expect(director.locator(".summary").first).to_contain_text(phase)

    # 5. Closure: the checklist is enforced, then the case is closed and read-only.
    director.get_by_role("link", name="Afsluiten met de afrondingscriteria").click()
    director.get_by_role("button", name="Dossier afsluiten").click()
    expect(director.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(director)
    for group in director.locator("main form").get_by_role("group").all():
        group.get_by_label("Ja").check()
    director.get_by_label("Samenvatting bij de afsluiting").fill(
        "Partnergeweld niet meer op de voorgrond."
    )
    director.get_by_label("Wie contacteren voor wat", exact=False).fill(
        "SDJ: vragen over de kinderen."
    )
    director.get_by_role("button", name="Dossier afsluiten").click()
    expect(director.locator(".summary").first).to_contain_text("Afronding")  # waits
    coordinator.goto(case_url)
    coordinator.get_by_role("link", name="Afsluiting bevestigen of weigeren").click()
    coordinator.get_by_label("Bevestigen", exact=False).check()
    coordinator.get_by_role("button", name="Beslissing bewaren").click()
    director.goto(case_url)
    expect(director.locator(".summary").first).to_contain_text("Afgesloten")
    assert director.get_by_role("link", name="Tijdlijn aanvullen").count() == 0

    # 6. Reopened after a new incident.
    director.get_by_role("link", name="Heropenen na een nieuw incident").click()
    director.get_by_label("Heropenen in").select_option(label="Uitvoeringsfase")
    director.get_by_label("Nieuw incident of nieuwe bezorgdheid").fill("Nieuwe politietussenkomst.")
    director.get_by_role("button", name="Heropenen").click()
    expect(director.locator(".summary").first).to_contain_text("Uitvoeringsfase")
    assert "1 keer heropend" in director.content()
    assert_no_axe_violations(director)

    # Usable at 320 px: nothing wider than the viewport.
    director.set_viewport_size({"width": 320, "height": 800})
    director.goto(case_url)
    wide = director.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 321)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 8)"
    )
    assert director.evaluate("document.documentElement.scrollWidth") <= 320, wide
