"""Journey steps for the sign-off (issue 17, item 5), kept apart from test_journeys.py so each
reads as one step there: the coordinator (not the case director) finds what waits for their
four eyes on the dashboard and approves the plan presented in team regie, and later confirms
the closure. Axe checks each decision page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.journeys import Journey

PLAN_COMMENT = "Goedgekeurd in team regie; huisbezoeken strikt opvolgen."


def _waiting(journey: Journey, coordinator: Any, reference: str) -> None:
    coordinator.goto(f"{journey.base_url}/samenwerking/")
    waiting = coordinator.get_by_role("region", name=re.compile("Goedkeuringen die op u wachten"))
    journey.axe(coordinator, again=True)  # the dashboard with what waits
    waiting.get_by_role("link", name=reference).click()


def approve_plan(journey: Journey, coordinator: Any, director: Any, reference: str) -> None:
    """The coordinator approves the presented plan with a comment; the director sees it."""
    _waiting(journey, coordinator, reference)
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        "Plan van aanpak goedkeuren of weigeren"
    )
    journey.axe(coordinator)
    coordinator.get_by_label("Goedkeuren", exact=False).check()
    coordinator.get_by_label("Toelichting").fill(PLAN_COMMENT)
    coordinator.get_by_role("button", name="Beslissing bewaren").click()
    expect(coordinator.locator("#goedkeuring")).to_contain_text("goedgekeurd door coördinator")
    director.reload()
    approvals = director.locator("#goedkeuring")
    expect(approvals).to_contain_text("goedgekeurd door coördinator")
    expect(approvals).to_contain_text(PLAN_COMMENT)


def confirm_closure(journey: Journey, coordinator: Any, director: Any, reference: str) -> None:
    """The closure waits; the coordinator confirms it; the director's case is then closed."""
    expect(director.locator("body")).to_contain_text("wacht op de bevestiging van een coördinator")
    expect(director.locator(".summary").first).to_contain_text("Afronding")
    _waiting(journey, coordinator, reference)
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        "Afsluiting bevestigen of weigeren"
    )
    journey.axe(coordinator)
    coordinator.get_by_label("Bevestigen", exact=False).check()
    coordinator.get_by_role("button", name="Beslissing bewaren").click()
    expect(coordinator.locator(".summary").first).to_contain_text("Afgesloten")
    director.reload()
