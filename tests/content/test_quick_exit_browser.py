"""Quick exit in headless Chromium (issue 16, item 3): after the exit Back shows no page of ours
(with "Houd dit bezoek uit de geschiedenis"), storage and cookies are gone, the session is
ended on the server; Shift x3 with the timer restarting on each press and Escape x2, driven by
Playwright's clock; the touch text; first tab stop and never covered on every page type."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session

from tests.content.page_types import PageType, build_world, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STATUS = "[data-quick-exit-status]"


@pytest.fixture
def world(live_server: Any) -> dict[str, Any]:
    """The demo world; the neutral site is robots.txt on another origin (127.0.0.1 instead of
    localhost), so the browser treats it as a site that is not ours."""
    site = live_server.url
    neutral = f"http://127.0.0.1:{urlsplit(site).port}/robots.txt"
    types, learner = build_world(neutral)
    return {"site": site, "neutral": neutral, "types": types, "learner": learner}


def _on_our_site(url: str, site: str) -> bool:
    return url.startswith(site)


def test_exit_leaves_no_history_storage_cookies_or_session(world: dict, browser: Any) -> None:
    site, neutral = world["site"], world["neutral"]
    context = browser.new_context(locale="nl-BE")
    sign_in(context, site, world["learner"])
    session_key = context.cookies(site)[0]["value"]
    tab = context.new_page()
    tab.goto(site + "/hulp-nodig/veilig-surfen/")
    tab.get_by_label("Houd dit bezoek uit de geschiedenis").check()
    assert "Aan:" in tab.locator("[data-history-option-status]").text_content()
    # Walk on through links and the search form, as a visitor would.
    tab.locator(".site-header__brand").click()
    tab.wait_for_url(site + "/")
    tab.locator('.site-nav a[href="/partners/"]').click()
    tab.wait_for_url(site + "/partners/")
    tab.evaluate("localStorage.setItem('spoor', '1'); sessionStorage.setItem('spoor', '1')")
    tab.evaluate("document.cookie = 'spoor=1; path=/'")
    assert tab.evaluate("history.length") == 2  # about:blank and one page of ours

    tab.get_by_role("link", name="Snel weg").click()
    tab.wait_for_url(neutral)

    assert context.cookies(site) == []
    assert not Session.objects.filter(session_key=session_key).exists()
    assert tab.evaluate("history.length") == 2
    tab.go_back()
    assert not _on_our_site(tab.url, site), tab.url  # Back leaves the browser on about:blank
    tab.goto(site + "/")
    assert tab.evaluate("[localStorage.length, sessionStorage.length, document.cookie]") == [
        0,
        0,
        "",
    ]
    context.close()


def test_without_the_option_back_shows_the_page_before(world: dict, page: Any) -> None:
    """The control: without "Houd dit bezoek uit de geschiedenis" the page before the one the
    visitor fled from stays in the history (only that one is replaced)."""
    site = world["site"]
    page.goto(site + "/")
    page.locator('.site-nav a[href="/partners/"]').click()
    page.wait_for_url(site + "/partners/")
    page.get_by_role("link", name="Snel weg").click()
    page.wait_for_url(world["neutral"])
    page.go_back()
    assert page.url == site + "/"


def test_the_option_replaces_for_get_forms_and_survives_only_the_tab(
    world: dict, page: Any
) -> None:
    site = world["site"]
    page.goto(site + "/hulp-nodig/veilig-surfen/")
    page.get_by_label("Houd dit bezoek uit de geschiedenis").check()
    page.goto(site + "/zoeken/")
    length = page.evaluate("history.length")
    page.locator("main input[name=q]").fill("partner")
    page.locator("main input[name=q]").press("Enter")
    page.wait_for_url(site + "/zoeken/?q=partner")
    assert page.evaluate("history.length") == length
    page.goto(site + "/hulp-nodig/veilig-surfen/")
    assert page.get_by_label("Houd dit bezoek uit de geschiedenis").is_checked()
    page.get_by_label("Houd dit bezoek uit de geschiedenis").uncheck()
    page.locator(".site-header__brand").click()
    page.wait_for_url(site + "/")
    assert page.evaluate("history.length") == length + 2


def test_shift_timer_restarts_on_every_press(world: dict, page: Any) -> None:
    site = world["site"]
    page.clock.install()
    page.goto(site + "/hulp-nodig/")
    status = page.locator(STATUS)
    # Gaps of 4 s, 8 s in all: leaves, because each press restarts the 5-second timer.
    page.keyboard.press("Shift")
    assert "nog 2 keer" in status.text_content()
    page.clock.run_for(4000)
    page.keyboard.press("Shift")
    assert "nog 1 keer" in status.text_content()
    page.clock.run_for(4000)
    page.keyboard.press("Shift")
    page.wait_for_url(world["neutral"])


def test_a_gap_longer_than_the_timeout_starts_the_count_again(world: dict, page: Any) -> None:
    site = world["site"]
    page.clock.install()
    page.goto(site + "/hulp-nodig/")
    status = page.locator(STATUS)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.clock.run_for(5100)
    assert "geannuleerd" in status.text_content()
    page.keyboard.press("Shift")
    assert "nog 2 keer" in status.text_content()  # counting from one again
    page.keyboard.press("Shift")
    assert "nog 1 keer" in status.text_content()
    assert page.url == site + "/hulp-nodig/"
    page.keyboard.press("Shift")
    page.wait_for_url(world["neutral"])


def test_escape_twice_leaves_and_a_long_gap_does_not(world: dict, page: Any) -> None:
    site = world["site"]
    page.clock.install()
    page.goto(site + "/certificaat/")
    page.keyboard.press("Escape")
    assert "nog 1 keer op Escape" in page.locator(STATUS).text_content()
    page.clock.run_for(5100)
    page.keyboard.press("Escape")
    page.clock.run_for(100)
    assert page.url == site + "/certificaat/"
    page.clock.run_for(4000)  # under the timeout after the press that started the count
    page.keyboard.press("Escape")
    page.wait_for_url(world["neutral"])


def test_other_keys_and_shift_combinations_reset_the_count(world: dict, page: Any) -> None:
    site = world["site"]
    page.clock.install()
    page.goto(site + "/hulp-nodig/")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("a")  # resets
    page.keyboard.press("Shift")
    page.keyboard.press("Shift+A")  # Shift held with another key: resets again
    page.keyboard.press("Shift")
    page.keyboard.press("Escape")  # Escape resets the Shift count, and the other way round
    page.keyboard.press("Shift")
    page.keyboard.press("Escape")
    page.clock.run_for(100)
    assert page.url == site + "/hulp-nodig/"


def test_touch_screens_say_tap_keyboards_say_shift(world: dict, browser: Any) -> None:
    site = world["site"]
    for touch in (True, False):
        context = browser.new_context(locale="nl-BE", has_touch=touch, is_mobile=touch)
        tab = context.new_page()
        tab.goto(site + "/vorming/sessies/")
        bar = tab.locator("[data-quick-exit]")
        assert bar.get_by_text("Tik op Snel weg").is_visible() is touch
        assert bar.get_by_text("druk 3 keer op Shift").is_visible() is (not touch)
        context.close()


def test_without_javascript_a_plain_link_that_still_clears(world: dict, browser: Any) -> None:
    site = world["site"]
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(site + "/hulp-nodig/veilig-surfen/")
    assert tab.locator("[data-quick-exit-hint]").is_hidden()
    assert tab.locator("[data-history-option]").is_hidden()
    assert tab.get_by_text("werkt alleen als JavaScript aan staat").is_visible()
    tab.goto(site + "/account/aanmelden/")  # sets the CSRF cookie
    assert context.cookies(site) != []
    tab.get_by_role("link", name="Snel weg").click()
    tab.wait_for_url(world["neutral"])
    assert context.cookies(site) == []
    context.close()


def _first_tab_stop_is_the_exit(tab: Any) -> bool:
    """First focusable element in document order; and, unless a field is autofocused (the
    sign-in form), the first Tab lands on it."""
    first = tab.evaluate(
        """() => [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
            .find((el) => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0)
            ?.hasAttribute('data-quick-exit-link') === true"""
    )
    if tab.evaluate("document.activeElement === document.body"):
        tab.keyboard.press("Tab")
        return first and tab.evaluate("document.activeElement.hasAttribute('data-quick-exit-link')")
    tab.focus("[data-quick-exit-link]")
    return first


def _exit_is_uncovered(tab: Any) -> bool:
    """The element at the button's centre is the button (or inside it)."""
    return tab.evaluate(
        """() => {
            const button = document.querySelector('[data-quick-exit-link]');
            const box = button.getBoundingClientRect();
            if (box.width === 0 || box.bottom <= 0 || box.top >= innerHeight) { return false; }
            const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
            return hit !== null && button.contains(hit);
        }"""
    )


@pytest.mark.parametrize("width", [320, 1280])
def test_first_tab_stop_and_never_covered_on_every_page_type(
    world: dict, browser: Any, width: int
) -> None:
    site = world["site"]
    visitor = browser.new_context(locale="nl-BE", viewport={"width": width, "height": 640})
    learner = browser.new_context(locale="nl-BE", viewport={"width": width, "height": 640})
    sign_in(learner, site, world["learner"])
    tabs = {False: visitor.new_page(), True: learner.new_page()}
    kind: PageType
    for kind in world["types"]:
        tab = tabs[kind.signed_in]
        tab.goto(site + kind.path)
        assert tab.locator("[data-quick-exit-link]").count() == 1, kind
        assert _exit_is_uncovered(tab), kind
        assert _first_tab_stop_is_the_exit(tab), kind
        for _ in range(3):  # on to the skip link (after "Veilig surfen" where it is linked)
            tab.keyboard.press("Tab")
            if tab.evaluate("document.activeElement.className") == "skip-link":
                break
        assert tab.evaluate("document.activeElement.className") == "skip-link", kind
        # Shown, the skip link must not cover the button.
        assert _exit_is_uncovered(tab), kind
        tab.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        assert _exit_is_uncovered(tab), f"{kind} scrolled down"
    visitor.close()
    learner.close()


def test_the_uncovered_check_can_fail(world: dict, page: Any) -> None:
    page.goto(world["site"] + "/")
    assert _exit_is_uncovered(page)
    page.evaluate(
        """() => {
            const cover = document.createElement('div');
            Object.assign(cover.style, {position: 'fixed', inset: '0', zIndex: '2000'});
            document.body.append(cover);
        }"""
    )
    assert not _exit_is_uncovered(page)
