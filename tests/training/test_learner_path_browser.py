"""The way into a course in headless Chromium from each starting point (signed out with an
account, new account with the e-mail confirmation, already signed in), each ending on the
first lesson, axe clean on every page; and catalogue cards that hold their text at 320 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from content.training.models import CoursePage, Enrolment, LessonPage
from portal.accounts.models import User
from tests.axe import assert_no_axe_violations
from tests.factories.people import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_PASSWORD = "een lange zin als wachtwoord"


def _first_lesson(course: Any) -> LessonPage:
    return LessonPage.objects.child_of(course).first()


def _sign_in(page: Any, email: str, password: str) -> None:
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Verder").click()


def _confirm_and_land_on_lesson(page: Any, base: str, course: Any) -> None:
    """The one-click confirmation after signing in, then the first lesson."""
    page.get_by_role("heading", name=re.compile("Inschrijven voor")).wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Inschrijven en beginnen").click()
    lesson = _first_lesson(course)
    page.wait_for_url(base + lesson.url)
    assert page.get_by_role("heading", level=1).inner_text() == lesson.title
    assert "U bent ingeschreven" in page.content()
    assert_no_axe_violations(page)


def test_signed_out_with_an_account(live_server, page, make_course, make_user) -> None:
    course = make_course(lessons=2)
    make_user(
        email="an@school.example",
        origin=User.Origin.SIGNUP,
        email_verified_at=timezone.now(),
    )
    base = live_server.url
    page.goto(base + course.url)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Inschrijven en beginnen").click()
    page.get_by_role("heading", name="Aanmelden").wait_for()
    assert_no_axe_violations(page)
    _sign_in(page, "an@school.example", PASSWORD)
    _confirm_and_land_on_lesson(page, base, course)


def test_new_account_through_the_email_confirmation(live_server, page, make_course) -> None:
    course = make_course(lessons=2)
    base = live_server.url
    page.goto(base + course.url)
    page.get_by_role("link", name="Inschrijven en beginnen").click()
    # From the sign-in page to sign-up, keeping where the learner was going.
    page.get_by_role("link", name="Account aanmaken").click()
    page.get_by_role("heading", name="Account aanmaken voor vorming").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("Volledige naam").fill("Noor Nieuw")
    page.get_by_label("E-mailadres").fill("noor@school.example")
    page.get_by_label("Wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Wachtwoord nog eens").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    page.get_by_role("heading", name="Bevestig uw e-mailadres").wait_for()
    link = re.search(
        r"http://\S+(/account/registreren/bevestigen/\S+/)", mail.outbox[-1].body
    ).group(1)
    page.goto(base + link)
    page.get_by_role("button", name="Mijn e-mailadres bevestigen").click()
    page.get_by_role("heading", name="E-mailadres bevestigd").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("main").get_by_role("link", name="Aanmelden").click()
    page.get_by_role("heading", name="Aanmelden").wait_for()
    _sign_in(page, "noor@school.example", NEW_PASSWORD)
    _confirm_and_land_on_lesson(page, base, course)
    assert Enrolment.objects.filter(user__email="noor@school.example").exists()


def test_already_signed_in(live_server, page, make_course, make_user) -> None:
    course = make_course(lessons=2)
    make_user(
        email="bo@school.example",
        origin=User.Origin.SIGNUP,
        email_verified_at=timezone.now(),
    )
    base = live_server.url
    page.goto(f"{base}/account/aanmelden/")
    _sign_in(page, "bo@school.example", PASSWORD)
    page.wait_for_url(re.compile(r"/account/$"))
    page.goto(base + course.url)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Inschrijven en beginnen").click()
    lesson = _first_lesson(course)
    page.wait_for_url(base + lesson.url)
    assert page.get_by_role("heading", level=1).inner_text() == lesson.title
    assert_no_axe_violations(page)


OVERFLOW = """() => {
    const over = (el) => el.scrollWidth > el.clientWidth;
    const doc = document.documentElement;
    return {
        document: over(doc) ? [doc.scrollWidth, doc.clientWidth] : null,
        cards: [...document.querySelectorAll('.card')]
            .filter(over).map((el) => [el.textContent.trim().slice(0, 40), el.scrollWidth, el.clientWidth]),
        count: document.querySelectorAll('.card').length,
    };
}"""


@pytest.mark.parametrize("width", [320, 375, 560, 768, 1280])
def test_catalogue_cards_hold_their_text(live_server, page, make_course, width: int) -> None:
    make_course(
        title="Signalen van intrafamiliaal geweld herkennen bij jeugdhulpverleningsprofessionals"
    )
    long_audience = make_course()
    CoursePage.objects.filter(pk=long_audience.pk).update(
        audience="Jeugdhulpverleningsprofessionals, huisartsen en leerkrachten"
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/vorming/")
    result = page.evaluate(OVERFLOW)
    assert result["count"] == 2
    assert result["document"] is None, result
    assert result["cards"] == [], result
