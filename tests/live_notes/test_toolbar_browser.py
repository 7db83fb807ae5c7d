"""The live-notes editor's heading picker speaks Dutch (issue 15, item 10): Quill's stylesheet
shows "Normal" and "Heading 2" unless the picker's items carry a label, and those labels come
from the Django template (translated), not from the bundle."""

from __future__ import annotations

import pytest
from django.conf import settings

from .world import build_world, session_cookie, signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOWN = "el => getComputedStyle(el, '::before').content"


def test_the_heading_picker_reads_tekst_kop_tussenkop(browser, asgi_server: str) -> None:
    world = build_world()
    context = browser.new_context(locale="nl-BE")
    cookie = session_cookie(signed_in_client(world.director))
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": asgi_server}]
    )
    try:
        page = context.new_page()
        page.goto(f"{asgi_server}/samenwerking/overleg/{world.meeting.pk}/")
        page.wait_for_selector(".ql-editor[contenteditable=true]", timeout=10_000)
        label = page.locator(".ql-header .ql-picker-label")
        assert label.evaluate(SHOWN) == '"Tekst"'
        items = page.locator(".ql-header .ql-picker-item")
        assert [items.nth(i).evaluate(SHOWN) for i in range(items.count())] == [
            '"Kop"',
            '"Tussenkop"',
            '"Tekst"',
        ]
        assert [items.nth(i).get_attribute("aria-label") for i in range(items.count())] == [
            "Kop",
            "Tussenkop",
            "Tekst",
        ]
        page.locator(".ql-editor").click()
        page.keyboard.type("Agenda")
        label.click()
        page.locator('.ql-header .ql-picker-item[data-value="2"]').click()
        assert label.evaluate(SHOWN) == '"Kop"'
        assert "Normal" not in page.locator(".ql-toolbar").evaluate(
            "el => [...el.querySelectorAll('*')].map("
            "e => getComputedStyle(e, '::before').content).join(' ')"
        )
    finally:
        context.close()
