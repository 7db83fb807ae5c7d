"""Accessible and responsive in headless Chromium (issue 16, item 7): no horizontal scrolling at
320 px and axe clean on every page type (tests/content/page_types.py enumerates them); the main
menu works without JavaScript; cards in a row are of equal height; the favicon is served."""

from __future__ import annotations

from typing import Any

import pytest

from tests.axe import assert_no_axe_violations
from tests.content.page_types import build_world, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def world(live_server: Any) -> dict[str, Any]:
    types, learner = build_world(f"{live_server.url}/robots.txt")
    return {"site": live_server.url, "types": types, "learner": learner}


def _scroll_width(tab: Any) -> int:
    return tab.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_every_page_type_reflows_at_320_px_and_axe_finds_nothing(world: dict, browser: Any) -> None:
    site = world["site"]
    viewport = {"width": 320, "height": 640}
    visitor = browser.new_context(locale="nl-BE", viewport=viewport)
    learner = browser.new_context(locale="nl-BE", viewport=viewport)
    sign_in(learner, site, world["learner"])
    tabs = {False: visitor.new_page(), True: learner.new_page()}
    names = set()
    too_wide = []
    for kind in world["types"]:
        tab = tabs[kind.signed_in]
        tab.goto(site + kind.path)
        if _scroll_width(tab) > 320:
            too_wide.append((kind.name, kind.path, _scroll_width(tab)))
        assert_no_axe_violations(tab)
        names.add(kind.name)
    assert too_wide == []
    # The menu open must reflow too.
    tabs[False].goto(site + "/")
    tabs[False].locator(".site-nav__toggle").click()
    assert _scroll_width(tabs[False]) <= 320
    assert_no_axe_violations(tabs[False])
    assert {"HomePage", "LessonPage", "QuizPage", "CentrePage", "sign-in", "404"} <= names
    visitor.close()
    learner.close()


def test_the_reflow_check_can_fail(world: dict, page: Any) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(world["site"] + "/")
    page.evaluate(
        """() => {
            const wide = document.createElement('div');
            wide.style.width = '400px';
            wide.style.height = '1px';
            document.querySelector('main').append(wide);
        }"""
    )
    assert _scroll_width(page) > 320


def test_mobile_menu_works_without_javascript(world: dict, browser: Any) -> None:
    site = world["site"]
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    tab = context.new_page()
    tab.goto(site + "/")
    link = tab.locator('.site-nav a[href="/partners/"]')
    toggle = tab.get_by_text("Menu", exact=True)
    assert toggle.is_visible() and not link.is_visible()
    toggle.click()
    assert link.is_visible()
    link.click()
    tab.wait_for_url(site + "/partners/")
    # Wide: the list is shown without a button.
    tab.set_viewport_size({"width": 1280, "height": 800})
    assert tab.locator('.site-nav a[href="/partners/"]').is_visible()
    assert not tab.locator(".site-nav__toggle").is_visible()
    context.close()


def test_cards_in_a_row_are_of_equal_height(world: dict, page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    site = world["site"]
    rows_checked = 0
    for path in ("/", "/partners/", "/centra/", "/vorming/"):
        page.goto(site + path)
        rows = page.evaluate(
            """() => {
                const rows = {};
                for (const list of document.querySelectorAll('.card-list')) {
                    for (const item of list.children) {
                        const card = item.classList.contains('card') ? item : item.querySelector('.card') || item;
                        const box = card.getBoundingClientRect();
                        const key = Math.round(box.top + scrollY) + ':' + Math.round(list.getBoundingClientRect().top);
                        (rows[key] = rows[key] || []).push(Math.round(box.height));
                    }
                }
                return Object.values(rows).filter((heights) => heights.length > 1);
            }"""
        )
        for heights in rows:
            assert max(heights) - min(heights) <= 1, (path, heights)
            rows_checked += 1
    assert rows_checked > 0


def test_favicon_is_linked_and_served(world: dict, page: Any) -> None:
    page.goto(world["site"] + "/")
    href = page.locator('link[rel="icon"]').get_attribute("href")
    response = page.request.get(world["site"] + href)
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")
