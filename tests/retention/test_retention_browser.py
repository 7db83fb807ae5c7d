"""The retention page in headless Chromium: the region's privacy officer signs in through the
real sign-in pages, follows the notification to the proposal, is stopped without the
confirmation box, confirms, and reads the result; axe (WCAG 2.2 AA) runs on every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from collaboration.models import Case, FamilyMember, RetentionRun, RetentionRunStatus
from collaboration.services.retention import REDACTED
from collaboration.tasks import propose_retention_runs
from tests.browser.journeys import Journey
from tests.factories.worlds import build_agencies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_privacy_officer_confirms_a_retention_run_in_the_browser(
    browser: Any, live_server: Any
) -> None:
    people = build_agencies()
    case = Case.objects.create(
        reference="VH-OVL-2019-0901",
        region="oost-vlaanderen",
        case_director=people.director.user,
        phase="closed",
        closing_summary="Afgerond (fictief).",
    )
    FamilyMember.objects.create(case=case, name="Fictief Kind Appelmans", family_role="child")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=6 * 366))
    propose_retention_runs.enqueue()
    run = RetentionRun.objects.get(status=RetentionRunStatus.PROPOSED)

    journey = Journey(browser, live_server.url)
    try:
        page = journey.sign_in(people.privacy, "/samenwerking/meldingen/")
        journey.axe(page)
        page.get_by_role("link", name="Een bewaartermijnvoorstel wacht op uw bevestiging").click()
        page.get_by_role("heading", name="Bewaartermijnen regio Oost-Vlaanderen").wait_for()
        journey.axe(page)
        assert case.reference in page.content() and "Appelmans" not in page.content()
        page.get_by_role("button", name="Bevestigen en anonimiseren").click()
        page.get_by_role("alert").wait_for()
        journey.axe(page, again=True)
        page.get_by_label("Ik heb nagekeken dat de bewaartermijn").check()
        page.get_by_role("button", name="Bevestigen en anonimiseren").click()
        page.get_by_role("heading", name="Resultaat").wait_for()
        journey.axe(page, again=True)
        page.get_by_role("link", name="Terug naar de bewaartermijnen").click()
        page.get_by_role("heading", name="Eerdere rondes").wait_for()
        journey.axe(page)
        # The one refusal above answers 400 (a form with an error), which the console reports.
        assert [p for p in journey.problems if "status of 400" not in p] == []
        assert len(journey.problems) == 1
    finally:
        journey.close()
    run.refresh_from_db()
    assert run.status == RetentionRunStatus.DONE
    assert FamilyMember.objects.get(case=case).name == REDACTED
