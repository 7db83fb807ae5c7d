"""The public site in headless Chromium: axe finds nothing on any page type (desktop and 320 px).
Quick exit in the browser: tests/content/test_quick_exit_browser.py."""

from __future__ import annotations

from typing import Any

import pytest
from wagtail.models import Locale, Page

from content.demo_site import ensure_demo_site
from content.models import EventPage, NewsPage, SiteContactSettings
from tests.axe import assert_no_axe_violations

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


@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_nothing_on_any_page_type(site: str, page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    paths = [*PAGE_TYPES, NewsPage.objects.first().url, EventPage.objects.first().url]
    for path in paths:
        page.goto(site + path)
        assert_no_axe_violations(page)
    # The consult form with errors: the Dutch error summary must pass too.
    page.goto(site + "/consultvraag/")
    page.get_by_role("button", name="Vraag versturen").click()
    page.wait_for_selector(".error-summary")
    assert_no_axe_violations(page)


def test_the_axe_check_can_fail(site: str, page: Any) -> None:
    """Guard against a check that cannot fail: a link without a name must be reported."""
    page.goto(site + "/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<a href=\"/x\"></a>')"
    )
    with pytest.raises(AssertionError, match="link-name"):
        assert_no_axe_violations(page)
