"""The whole learner journey in headless Chromium, with axe on every page it visits (sign-up,
e-mail confirmation, sign-in, course, lesson, quiz, result and certificate); and a cancellation
that promotes the first person on the waitlist."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from content.training.models import (
    Certificate,
    LessonPage,
    QuizAttempt,
    RegistrationStatus,
    SessionKind,
    SessionRegistration,
)
from content.training.services.sessions import registration_create, registration_link_token
from tests.axe import assert_no_axe_violations
from tests.factories.people import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _answer(page, attempt: QuizAttempt, *, right: bool) -> None:
    """Answer in the browser: choices by their labels, ordering questions with the keyboard."""
    for q in attempt.questions:
        if q["type"] in ("single_choice", "true_false"):
            option = next(o for o in q["options"] if o["correct"] == right)
            page.locator(f'input[name="q_{q["id"]}"][value="{option["key"]}"]').check()
        elif q["type"] == "multiple_choice":
            for option in q["options"]:
                if option["correct"] == right:
                    page.locator(f'input[name="q_{q["id"]}"][value="{option["key"]}"]').check()
        else:
            order = q["correct_order"] if right else list(reversed(q["correct_order"]))
            for position, key in enumerate(order, start=1):
                select = page.locator(f'select[name="q_{q["id"]}__{key}"]')
                select.focus()
                page.keyboard.type(str(position))  # typeahead: no mouse, no dragging
                assert select.input_value() == str(position)


def test_sign_up_learn_fail_pass_certificate_verify(live_server, page, make_course) -> None:
    course = make_course(lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    base = live_server.url

    # Sign up and confirm the e-mail address.
    page.goto(f"{base}/account/registreren/")
    assert_no_axe_violations(page)
    page.get_by_label("Volledige naam").fill("Fien Fictief")
    page.get_by_label("E-mailadres").fill("fien@school.example")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord nog eens").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    page.get_by_role("heading", name="Bevestig uw e-mailadres").wait_for()
    assert_no_axe_violations(page)
    link = re.search(
        r"http://\S+(/account/registreren/bevestigen/\S+/)", mail.outbox[-1].body
    ).group(1)
    page.goto(base + link)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Mijn e-mailadres bevestigen").click()
    page.get_by_role("heading", name="E-mailadres bevestigd").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Aanmelden").last.click()
    page.get_by_label("E-mailadres").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("E-mailadres").fill("fien@school.example")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Verder").click()
    page.get_by_role("heading", name="Mijn vorming").wait_for()
    assert_no_axe_violations(page)

    # Enrol and take the lesson.
    page.goto(base + course.url)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Inschrijven en beginnen").click()
    page.wait_for_url(base + lesson.url)
    assert page.get_by_role("heading", level=1).inner_text() == "Les 1"
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Les voltooid, verder").click()

    # The quiz: fail first.
    page.get_by_role("button", name="Toets starten").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Toets starten").click()
    page.get_by_role("button", name="Antwoorden indienen").wait_for()
    assert_no_axe_violations(page)
    attempt = QuizAttempt.objects.get(number=1)
    # Submitting nothing shows the Dutch error summary, focused.
    page.get_by_role("button", name="Antwoorden indienen").click()
    assert page.locator(".error-summary").is_visible()
    assert "Er is een probleem" in page.locator(".error-summary").inner_text()
    assert_no_axe_violations(page)
    _answer(page, attempt, right=False)
    page.get_by_role("button", name="Antwoorden indienen").click()
    page.get_by_text("Niet geslaagd").wait_for()
    assert_no_axe_violations(page)

    # Then pass.
    page.get_by_role("link", name="Opnieuw proberen").click()
    page.get_by_role("button", name="Nieuwe poging").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Nieuwe poging").click()
    page.get_by_role("button", name="Antwoorden indienen").wait_for()
    _answer(page, QuizAttempt.objects.get(number=2), right=True)
    page.get_by_role("button", name="Antwoorden indienen").click()
    page.get_by_text("Geslaagd.").wait_for()

    # The certificate: page, PDF, public verification.
    page.get_by_role("link", name="Naar uw attest").click()
    page.get_by_role("heading", name="Uw attest").wait_for()
    assert_no_axe_violations(page)
    certificate = Certificate.objects.get()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Attest downloaden (PDF)").click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.get_by_role("link", name="Openbare controlepagina").click()
    page.get_by_text("Dit attest is geldig.").wait_for()
    assert certificate.code in page.content() and "Fien Fictief" in page.content()
    assert_no_axe_violations(page)


def test_cancellation_promotes_the_first_on_the_waitlist(live_server, page, make_session) -> None:
    session = make_session(kind=SessionKind.PEER_SUPPORT, capacity=1, title="Lotgenotensessie")
    holder = registration_create(session_id=session.pk, display_name="An", email="an@test.example")
    first = registration_create(session_id=session.pk, display_name="Bo", email="bo@test.example")
    second = registration_create(
        session_id=session.pk, display_name="Cas", email="cas@test.example"
    )
    assert first.status == second.status == RegistrationStatus.WAITLISTED

    page.goto(f"{live_server.url}/vorming/sessies/{session.pk}/")
    assert page.get_by_role("link", name=re.compile("Snel weg")).is_visible()
    assert_no_axe_violations(page)

    token = registration_link_token(holder)
    page.goto(f"{live_server.url}/vorming/inschrijving/{token}/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Inschrijving annuleren").click()
    page.get_by_text("Uw inschrijving is geannuleerd.").wait_for()
    assert SessionRegistration.objects.get(pk=first.pk).status == RegistrationStatus.OFFERED
    assert SessionRegistration.objects.get(pk=second.pk).status == RegistrationStatus.WAITLISTED
    offer = next(m for m in mail.outbox if m.to == ["bo@test.example"] and "plaats" in m.body)
    assert offer.subject == "Bericht over uw afspraak"  # neutral (training/emails.py)
