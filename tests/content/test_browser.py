"""The public site in headless Chromium: axe finds nothing on any page type (desktop and 320 px),
quick exit works by button, by Shift x3 and by keyboard alone, and Back does not return."""

from __future__ import annotations

from typing import Any

import pytest
from wagtail.models import Locale, Page

from content.demo_site import ensure_demo_site
from content.models import EventPage, NewsPage, SiteContactSettings
from tests.conftest import assert_no_axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGE_TYPES = [
    "/",
    "/wat-is-intrafamiliaal-geweld/",
    "/vormen-van-geweld/",
    "/vormen-van-geweld/partnergeweld/",
    "/over-veilig-huis/intensieve-casusregie/",
    "/partners/",
    "/partners/caw/",
    "/centra/",
    "/centra/oost-vlaanderen/",
    "/nieuws/",
    "/agenda/",
    "/hulp-nodig/",
    "/hulp-nodig/veilig-surfen/",
    "/consultvraag/",
    "/zoeken/?q=partnergeweld",
    "/en/",
    "/en/wat-is-intrafamiliaal-geweld/",
]


@pytest.fixture
def site(live_server: Any) -> str:
    """The demo site on a live server; quick exit goes to a neutral page on that same server.

    Transactional tests flush the tables, Wagtail's root page and default locale included (they
    come from migrations), so they are put back first.
    """
    locale, _ = Locale.objects.get_or_create(language_code="nl-be")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    ensure_demo_site()
    settings = SiteContactSettings.objects.get()
    settings.quick_exit_url = f"{live_server.url}/robots.txt"
    settings.save()
    return live_server.url


def _exit_url(site: str) -> str:
    return f"{site}/robots.txt"


@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_nothing_on_any_page_type(site: str, page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    paths = [*PAGE_TYPES, NewsPage.objects.first().url, EventPage.objects.first().url]
    for path in paths:
        page.goto(site + path)
        assert_no_axe_violations(page)
    # The consult form with errors: the Dutch error summary must pass too.
    page.goto(site + "/consultvraag/")
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_no_axe_violations(page)


def test_quick_exit_button_leaves_and_back_does_not_return(site: str, page: Any) -> None:
    page.goto(site + "/")
    assert_no_axe_violations(page)
    page.goto(site + "/partners/")
    assert_no_axe_violations(page)
    page.click("[data-quick-exit-link]")
    page.wait_for_url(_exit_url(site))
    page.go_back()
    assert page.url == site + "/"  # the page we fled from is gone from the history


def test_shift_three_times_leaves_and_announces(site: str, page: Any) -> None:
    page.goto(site + "/")
    page.goto(site + "/hulp-nodig/")
    page.keyboard.press("Shift")
    status = page.locator("[data-quick-exit-status]")
    assert "nog 2 keer" in status.text_content()
    page.keyboard.press("Shift")
    assert "nog 1 keer" in status.text_content()
    page.keyboard.press("Shift")
    page.wait_for_url(_exit_url(site))
    page.go_back()
    assert page.url == site + "/"


def test_other_keys_and_shift_combinations_reset_the_count(site: str, page: Any) -> None:
    page.goto(site + "/hulp-nodig/")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("a")  # resets
    page.keyboard.press("Shift")
    page.keyboard.press("Shift+A")  # Shift held with another key: resets again
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url == site + "/hulp-nodig/"


def test_shift_presses_more_than_five_seconds_apart_do_not_leave(site: str, page: Any) -> None:
    page.goto(site + "/hulp-nodig/")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_timeout(5200)
    assert "geannuleerd" in page.locator("[data-quick-exit-status]").text_content()
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url == site + "/hulp-nodig/"


def test_keyboard_only_skip_link_quick_exit_and_menu(site: str, page: Any) -> None:
    page.goto(site + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-quick-exit-link')")
    # On through the bar and into the main menu, then follow a menu link with Enter.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.site-nav') !== null"):
            break
    assert page.evaluate("document.activeElement.closest('.site-nav') !== null")
    target = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(site + target)
    # Back to the quick exit with Shift+Tab-free path: skip link, then the button, then Enter.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(_exit_url(site))


def test_without_javascript_the_button_is_a_plain_link(site: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(site + "/")
    assert tab.locator("[data-quick-exit-hint]").is_hidden()
    tab.click("[data-quick-exit-link]")
    tab.wait_for_url(_exit_url(site))
    context.close()


def test_the_axe_check_can_fail(site: str, page: Any) -> None:
    """Guard against a check that cannot fail: a link without a name must be reported."""
    page.goto(site + "/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<a href=\"/x\"></a>')"
    )
    with pytest.raises(AssertionError, match="link-name"):
        assert_no_axe_violations(page)
