"""Browser steps for the completion guard (issue 15, item 5): before a case moves on to
completion, every action of the plan is finished and the plan is evaluated. Shared by the
journeys that walk a case to its closure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def finish_plan(page: Any, *, evaluated_on: str, axe: Callable[[Any], None] | None = None) -> None:
    """On the case page: every action "Gedaan" through its status form, then the evaluation."""
    links = page.locator("#plan").get_by_role("link", name="Status bijwerken")
    for index in range(links.count()):
        page.locator("#plan").get_by_role("link", name="Status bijwerken").nth(index).click()
        if axe:
            axe(page)
        page.get_by_label("Status").select_option(label="Gedaan")
        page.get_by_role("button", name="Bewaren").click()
        page.wait_for_url("**/dossiers/*/**")
    page.get_by_role("link", name="Plan evalueren").click()
    if axe:
        axe(page)
    page.get_by_label("Evaluatie van het plan van aanpak").fill(
        "Het gezin is veilig; de hulp loopt verder via de diensten."
    )
    page.get_by_label("Geëvalueerd op").fill(evaluated_on)
    page.get_by_role("button", name="Evaluatie bewaren").click()
    page.wait_for_url("**/dossiers/*/**")
