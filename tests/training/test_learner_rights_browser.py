"""A learner downloads their training data and deletes their account, in headless Chromium,
with axe on every page (the downloaded summary too)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from content.training.models import Certificate
from portal.accounts.models import User
from tests.axe import assert_no_axe_violations
from tests.factories.people import PASSWORD

from .test_learner_rights import _complete

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_learner_downloads_data_and_deletes_the_account(
    live_server, page, make_course, make_user
) -> None:
    learner = make_user(
        email="fien@school.example",
        full_name="Fien Fictief",
        origin=User.Origin.SIGNUP,
        email_verified_at=timezone.now(),
    )
    course = make_course(lessons=1, title="Signalen van IFG herkennen")
    client = Client()
    client.force_login(learner)
    _complete(client, course, fail_first=False)
    code = Certificate.objects.get(user=learner).code
    base = live_server.url

    page.goto(f"{base}/account/aanmelden/")
    page.get_by_label("E-mailadres").fill("fien@school.example")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Verder").click()
    page.wait_for_url(lambda url: "/aanmelden/" not in url)

    page.goto(f"{base}/account/")
    page.get_by_role("heading", name="Mijn account").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Mijn gegevens downloaden").click()
    page.get_by_role("heading", name="Mijn gegevens downloaden").wait_for()
    assert_no_axe_violations(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download als JSON-bestand").click()
    with open(download_info.value.path(), encoding="utf-8") as file:
        data = json.load(file)
    assert data["Account"]["Volledige naam"] == "Fien Fictief"
    assert data["Attesten"][0]["Verificatiecode"] == code

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download als leesbaar overzicht (HTML)").click()
    with open(download_info.value.path(), encoding="utf-8") as file:
        summary = file.read()
    assert "Signalen van IFG herkennen" in summary

    # The erasure page; a wrong password first.
    page.goto(f"{base}/account/")
    page.get_by_role("link", name="Mijn account verwijderen").click()
    page.get_by_role("heading", name="Mijn account verwijderen").wait_for()
    assert_no_axe_violations(page)
    assert page.get_by_label("Bewaren zonder mijn naam", exact=False).is_checked()
    page.get_by_label("Uw wachtwoord").fill("niet-het-wachtwoord")
    page.get_by_label("Ik begrijp dat").check()
    page.get_by_role("button", name="Mijn account definitief verwijderen").click()
    page.get_by_text("Dit wachtwoord klopt niet. Er is niets verwijderd.").first.wait_for()
    assert_no_axe_violations(page)

    page.get_by_label("Uw wachtwoord").fill(PASSWORD)
    page.get_by_label("Ik begrijp dat").check()
    page.get_by_role("button", name="Mijn account definitief verwijderen").click()
    page.get_by_role("heading", name="Uw account is verwijderd").wait_for()
    assert_no_axe_violations(page)
    assert not User.objects.get(pk=learner.pk).is_active

    # The certificate still verifies, without the name.
    page.goto(f"{base}/certificaat/{code}/")
    page.get_by_text("Dit attest is geldig.").wait_for()
    assert "Naam verwijderd op verzoek" in page.content()
    assert "Fien Fictief" not in page.content()

    # The downloaded summary is accessible too.
    page.set_content(summary)
    assert_no_axe_violations(page)
