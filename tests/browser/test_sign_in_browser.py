"""A person signs in with password and TOTP in headless Chromium and reaches the collaboration area."""

from __future__ import annotations

import time

import pytest

from tests.axe import assert_no_axe_violations
from tests.factories.organisations import MembershipFactory, OrganisationFactory
from tests.factories.people import PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_password_and_code_reaches_collaboration(
    live_server, page, make_user, make_device
) -> None:

    user = make_user(email="browser@test.example", full_name="Greet Browser")
    device = make_device(user)
    organisation = OrganisationFactory(
        name="CGG Test", kind="cgg", sector="health", region="leuven"
    )
    MembershipFactory(user=user, organisation=organisation, role="partner")

    page.goto(f"{live_server.url}/samenwerking/")
    assert "/account/aanmelden/" in page.url
    assert_no_axe_violations(page)

    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Verder").click()

    code_field = page.get_by_label("Code van 6 cijfers")
    code_field.wait_for()
    assert_no_axe_violations(page)
    code_field.fill(totp_code(device))
    page.get_by_role("button", name="Verder").click()

    page.wait_for_url(f"{live_server.url}/samenwerking/")
    assert page.get_by_role("heading", level=1).inner_text() == "Samenwerking"
    assert "CGG Test" in page.content()
    assert_no_axe_violations(page)

    # Keyboard: the skip link is the first stop and leads to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"


def test_wrong_code_in_the_browser_shows_a_dutch_error_summary(
    live_server, page, make_user, make_device
) -> None:
    user = make_user(email="fout@test.example")
    device = make_device(user)
    page.goto(f"{live_server.url}/account/aanmelden/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Verder").click()
    wrong = f"{(int(totp_code(device)) + 5) % 1_000_000:06d}"
    page.get_by_label("Code van 6 cijfers").fill(wrong)
    page.get_by_role("button", name="Verder").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "Er is een probleem" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert_no_axe_violations(page)


def test_a_case_link_leads_through_the_sign_in_back_to_the_case(
    live_server, page, world, make_device
) -> None:
    """Signed out, a partner opens a case link (from an e-mail, say): after password and code
    the browser shows that case, not "Mijn account"; an outside next leads to the workspace."""
    device = make_device(world.caw_partner)
    case_url = f"{live_server.url}/samenwerking/dossiers/{world.case.reference}/"
    page.goto(case_url)
    assert "/account/aanmelden/?next=" in page.url

    page.get_by_label("E-mailadres").fill(world.caw_partner.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Verder").click()
    code_field = page.get_by_label("Code van 6 cijfers")
    code_field.wait_for()
    code_field.fill(totp_code(device))
    page.get_by_role("button", name="Verder").click()

    page.wait_for_url(case_url)
    assert world.case.reference in page.get_by_role("heading", level=1).inner_text()

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/account/aanmelden/?next=https://evil.example/")
    page.get_by_label("E-mailadres").fill(world.caw_partner.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Verder").click()
    code_field.wait_for()
    # the next 30-second window: a code is accepted once
    code_field.fill(totp_code(device, at=time.time() + device.step))
    page.get_by_role("button", name="Verder").click()
    page.wait_for_url(f"{live_server.url}/samenwerking/")
