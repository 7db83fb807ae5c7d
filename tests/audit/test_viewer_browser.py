"""The audit viewer and the case audit page in headless Chromium: a privacy officer signs in
through the real sign-in pages and reads the trail in words (repeated reads as one row with a
count, details folded away); at 320 px wide nothing scrolls sideways; the case director reads
who opened their case. Axe (WCAG 2.2 AA) on every page and state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import Case, CaseParticipant, Meeting
from collaboration.selectors.cases import case_access
from portal.audit.events import AuditAction
from portal.audit.writer import record_event
from tests.browser.journeys import Journey
from tests.factories.worlds import build_agencies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
WIDE = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
    .slice(0, 8)
    .map(e => `${e.tagName}.${e.className} ${e.getAttribute('href')} `
        + `${(e.textContent || '').trim().slice(0, 40)} ${Math.round(e.getBoundingClientRect().right)}`)"""


def _no_sideways_scroll(page: Any) -> None:
    """Wait for the page to lay out at its new width, then nothing may stick out sideways."""
    try:
        page.wait_for_function(f"() => ({OVERFLOW})() <= 0", timeout=5000)
    except PlaywrightTimeout:
        overflow = page.evaluate(OVERFLOW)
        raise AssertionError(
            f"{overflow}px sideways scroll at {page.url}: {page.evaluate(WIDE)}"
        ) from None


def test_officer_reads_the_trail_in_words_and_it_reflows_at_320px(
    browser: Any, live_server: Any
) -> None:
    people = build_agencies()
    case = Case.objects.create(
        reference="VH-OVL-2026-0002", region="oost-vlaanderen", case_director=people.director.user
    )
    CaseParticipant.objects.create(
        case=case, user=people.caw_partner.user, organisation=people.caw, role_in_case="Begeleiding"
    )
    meeting = Meeting.objects.create(
        case=case,
        kind="network",
        starts_at=timezone.make_aware(dt.datetime(2026, 12, 12, 14, 0)),
        place="Reisduin",
        created_by=people.director.user,
    )
    for _ in range(3):
        case_access(user=people.caw_partner.user, reference=case.reference, purpose="case_page")
    case_access(user=people.director.user, reference=case.reference, purpose="CaseReopenView")
    with pytest.raises(NotFoundOrNotAllowed):
        case_access(user=people.referrer.user, reference=case.reference)
    record_event(
        action=AuditAction.LIVE_NOTES_JOINED,
        actor=people.caw_partner.user,
        organisation=people.caw.name,
        role="participant",
        object_type="meeting",
        object_id=meeting.pk,
        case_reference=case.reference,
    )

    journey = Journey(browser, live_server.url)
    try:
        page = journey.sign_in(people.privacy, "/audit/")
        page.get_by_role("heading", name="Auditlogboek").wait_for()
        events = page.get_by_role("list", name="Gebeurtenissen, nieuwste eerst")
        expect(events).to_contain_text("Dossier bekeken: Dossier VH-OVL-2026-0002")
        expect(events).to_contain_text("Carla Caw")
        expect(events).to_contain_text("CAW Reisduin (fictief)")
        expect(events).to_contain_text("3×")
        expect(events).to_contain_text("Netwerkoverleg 12 december")
        expect(events).to_contain_text("geweigerd")
        expect(events).not_to_contain_text("case_director")
        expect(events).not_to_contain_text("carla@caw.example")
        journey.axe(page)

        row = events.get_by_role("listitem").filter(has_text="Rik Regisseur").first
        row.locator("summary").click()
        expect(row.locator("dl")).to_contain_text("formulier: dossier heropenen")
        expect(row.locator("dl")).to_contain_text("casusregisseur")
        journey.axe(page, again=True)

        page.set_viewport_size({"width": 320, "height": 800})
        _no_sideways_scroll(page)
        journey.axe(page, again=True)
        page.set_viewport_size({"width": 1280, "height": 800})
        _no_sideways_scroll(page)

        page.get_by_role("link", name="Inzageverzoeken en rechtzettingen").click()
        page.get_by_role("heading", name="Inzageverzoeken").wait_for()
        journey.axe(page)
        page.go_back()
        page.get_by_role("link", name="Bewaartermijnen").click()
        page.wait_for_url(f"{live_server.url}/audit/bewaartermijnen/")
        journey.axe(page)

        audit_path = reverse("collaboration:case_audit", args=[case.reference])
        director = journey.sign_in(people.director, audit_path)
        summary = director.get_by_role("table")
        expect(summary).to_contain_text("Carla Caw")
        expect(summary).to_contain_text("CAW Reisduin (fictief)")
        expect(summary.get_by_role("row").filter(has_text="Carla Caw")).to_contain_text("4")
        journey.axe(director)
        director.set_viewport_size({"width": 320, "height": 800})
        _no_sideways_scroll(director)
        journey.axe(director, again=True)

        assert journey.problems == []
        assert journey.unchecked() == {}
    finally:
        journey.close()
