"""axe-core accessibility checks for the browser tests."""

from __future__ import annotations

from typing import Any


def assert_no_axe_violations(page: Any) -> None:
    """Run axe-core (shipped inside axe-playwright-python) against the page, WCAG 2.2 AA rules."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
            }
        },
    )
    violations = results.response["violations"]
    assert violations == [], results.generate_report()
