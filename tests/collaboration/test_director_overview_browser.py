"""The director's overview in headless Chromium at 320 px: the dashboard and the case page
with its summary fit the width (no horizontal scroll), pass axe (WCAG 2.2 AA), and the
summary's jump links are reachable from the keyboard."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from collaboration.models import Meeting
from collaboration.services import plans, timeline
from tests.axe import assert_no_axe_violations
from tests.factories.legal_bases import standing_basis

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 800}


def _signed_in(browser: Any, live_server: Any, verified_client: Any, user: Any) -> Any:
    client = verified_client(user)
    context = browser.new_context(locale="nl-BE", viewport=NARROW)
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


def _fits(page: Any) -> None:
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 321)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 8)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], wide


def test_dashboard_and_case_summary_at_320_px(browser, live_server, world, verified_client) -> None:
    case = world.case
    goal = plans.goal_add(actor=world.director, case=case, domain="housing", description="Woning")
    plans.action_add(
        actor=world.director,
        case=case,
        goal_id=goal.pk,
        description="Huurachterstel bespreken met de verhuurder en het OCMW",
        organisation_id=world.caw.pk,
        responsible=world.caw_partner,
        due_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    Meeting.objects.create(
        case=case,
        kind="network",
        starts_at=timezone.now() + datetime.timedelta(days=4),
        place="Gent, Veilig Huis",
        created_by=world.director,
    )
    director = _signed_in(browser, live_server, verified_client, world.director)
    director.goto(f"{live_server.url}/samenwerking/")
    actions = director.get_by_role("region", name="Mijn open acties")
    expect(actions).to_contain_text("Huurachterstel bespreken")
    expect(actions).to_contain_text("Carla CAW")
    expect(actions).to_contain_text("Over tijd")
    _fits(director)
    assert_no_axe_violations(director)

    director.goto(f"{live_server.url}/samenwerking/dossiers/{case.reference}/")
    summary = director.get_by_role("region", name="Stand van zaken")
    expect(summary).to_contain_text("Dit is uw eerste bezoek aan dit dossier.")
    expect(summary).to_contain_text("1 over tijd")
    _fits(director)
    assert_no_axe_violations(director)

    timeline.timeline_entry_add(
        actor=world.caw_partner,
        case=case,
        legal_basis_id=standing_basis(case),
        kind="note",
        occurred_on=timezone.localdate(),
        title="Huisbezoek",
    )
    director.reload()
    summary = director.get_by_role("region", name="Stand van zaken")
    expect(summary).to_contain_text("1 nieuw bericht op de tijdlijn")
    # the jump links work from the keyboard: focus the link, press Enter, land on the section
    summary.get_by_role("link", name="1 nieuw bericht op de tijdlijn").focus()
    director.keyboard.press("Enter")
    director.wait_for_url("**#tijdlijn")
    _fits(director)
    assert_no_axe_violations(director)
