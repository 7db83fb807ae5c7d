"""The way into a course from every starting point, certificate status in words and quiz
feedback that reads as a sentence (issue 16, item 1).

The URLconf walk is a class test: every training route is requested with GET by a signed-in
learner, so a POST-only view that a login redirect's ``next`` can reach (the enrol button of a
signed-out visitor was one: 405 and an empty page) fails here whatever its name.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from content.training import urls as training_urls
from content.training.blocks import QuestionStreamBlock
from content.training.models import (
    Certificate,
    CoursePage,
    Enrolment,
    LessonPage,
    QuizAttempt,
    QuizPage,
)
from content.training.services.certificates import certificate_issue
from content.training.services.sessions import registration_create, registration_link_token
from content.training.views.learning import feedback_sentence
from portal.accounts.models import User
from portal.accounts.signup import SESSION_NEXT_KEY
from tests.factories.courses import answers_for
from tests.factories.people import PASSWORD

pytestmark = pytest.mark.django_db


def _steps(course: CoursePage) -> tuple[LessonPage, QuizPage]:
    return LessonPage.objects.child_of(course).first(), QuizPage.objects.child_of(course).get()


# --- No training route answers a GET with 405 ------------------------------------------------


def test_every_training_route_answers_a_signed_in_get_without_405(
    make_course, make_session, learner, learner_client: Client
) -> None:
    course = make_course(lessons=1)
    lesson, quiz = _steps(course)
    learner_client.post(reverse("training:enrol", args=[course.pk]))
    learner_client.post(reverse("training:start_quiz", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get()
    certificate = certificate_issue(enrolment=Enrolment.objects.get())
    session = make_session()
    registration = registration_create(
        session_id=session.pk, display_name="Fien", email="fien@test.example"
    )
    values: dict[str, Any] = {
        "course_id": course.pk,
        "lesson_id": lesson.pk,
        "quiz_id": quiz.pk,
        "attempt_id": attempt.pk,
        "code": certificate.code,
        "session_id": session.pk,
        "token": registration_link_token(registration),
        "number": 1,  # the Open Badges status list
    }
    answers: dict[str, int] = {}
    for pattern in training_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        kwargs = {name: values[name] for name in pattern.pattern.converters}
        url = reverse(f"training:{pattern.name}", kwargs=kwargs)
        status = learner_client.get(url).status_code
        answers[pattern.name] = status
        assert status != 405, f"GET {url} ({pattern.name}) answered 405"
        assert status < 500, f"GET {url} ({pattern.name}) answered {status}"
    # The walk reached the views that take a POST (so the test cannot pass by skipping them).
    assert {"enrol", "complete_lesson", "start_quiz"} <= set(answers)
    assert answers["enrol"] in (200, 302)


def test_enrol_by_get_confirms_in_one_click_and_lands_on_the_first_lesson(
    make_course, learner_client: Client
) -> None:
    course = make_course(lessons=2)
    lesson, _quiz = _steps(course)
    url = reverse("training:enrol", args=[course.pk])
    page = learner_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'action="{url}"' in html and "Inschrijven en beginnen" in html
    assert "Les 1" in html  # tells where the button leads
    assert not Enrolment.objects.exists()  # a GET changes nothing
    response = learner_client.post(url)
    assert response["Location"] == lesson.url
    # Enrolled already: the GET goes straight on to where the learner is.
    assert learner_client.get(url)["Location"] == lesson.url


def test_get_of_lesson_and_quiz_actions_goes_back_to_the_page(
    make_course, learner_client: Client
) -> None:
    course = make_course(lessons=1)
    lesson, quiz = _steps(course)
    learner_client.post(reverse("training:enrol", args=[course.pk]))
    response = learner_client.get(reverse("training:complete_lesson", args=[lesson.pk]))
    assert response["Location"] == lesson.url
    response = learner_client.get(reverse("training:start_quiz", args=[quiz.pk]))
    assert response["Location"] == quiz.url
    assert not QuizAttempt.objects.exists()


def test_signed_out_enrol_leads_through_sign_in_back_to_the_enrol_confirmation(
    make_course,
) -> None:
    course = make_course()
    enrol_url = reverse("training:enrol", args=[course.pk])
    client = Client()
    html = client.get(course.url).content.decode()
    sign_in = f"{reverse('two_factor:login')}?next={enrol_url}"
    assert f'href="{sign_in}"' in html  # the button is a link, no form posting to a login wall
    sign_up = f"{reverse('accounts:signup')}?next={enrol_url}"
    assert f'href="{sign_up}"' in html
    # An old form posted while signed out still comes back to the confirmation.
    response = client.post(enrol_url)
    assert response.status_code == 302 and f"next={enrol_url}" in response["Location"].replace(
        "%2F", "/"
    )


# --- Sign-in and sign-up link to each other and keep a safe next ------------------------------


def test_sign_in_links_to_sign_up_and_back_keeping_next(db: Any) -> None:
    client = Client()
    html = client.get(reverse("two_factor:login"), {"next": "/vorming/cursussen/7/inschrijven/"})
    html = html.content.decode()
    assert 'href="/account/registreren/?next=/vorming/cursussen/7/inschrijven/"' in html
    html = client.get(reverse("accounts:signup"), {"next": "/vorming/cursussen/7/inschrijven/"})
    html = html.content.decode()
    assert 'href="/account/aanmelden/?next=/vorming/cursussen/7/inschrijven/"' in html
    assert 'name="next" value="/vorming/cursussen/7/inschrijven/"' in html


@pytest.mark.parametrize("target", ["https://elders.example/", "//elders.example/x"])
def test_an_outside_next_is_dropped(db: Any, target: str) -> None:
    client = Client()
    html = client.get(reverse("two_factor:login"), {"next": target}).content.decode()
    assert 'href="/account/registreren/"' in html and "elders" not in html
    html = client.get(reverse("accounts:signup"), {"next": target}).content.decode()
    assert "elders" not in html


def test_sign_up_carries_next_through_the_email_confirmation(
    db: Any, django_capture_on_commit_callbacks
) -> None:
    next_url = "/vorming/cursussen/7/inschrijven/"
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup"),
            {
                "full_name": "Noor Nieuw",
                "email": "noor@school.example",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "next": next_url,
            },
        )
    assert response["Location"] == reverse("accounts:signup_check_email")
    assert client.session[SESSION_NEXT_KEY] == next_url
    link = re.search(r"http://\S+(/account/registreren/bevestigen/\S+/)", mail.outbox[-1].body)
    html = client.post(link.group(1)).content.decode()
    assert f'href="/account/aanmelden/?next={next_url}"' in html
    assert User.objects.get(email="noor@school.example").email_verified_at is not None


# --- Certificate status in words --------------------------------------------------------------


@pytest.mark.parametrize(
    ("valid_months", "change", "label"),
    [
        (None, {}, "Geldig"),
        # issued two months ago for one: expired (what it says cannot be changed afterwards)
        (1, {}, "Verlopen"),
        (None, {"revoked_at": timezone.now(), "revocation_reason": "Fout"}, "Ingetrokken"),
    ],
)
def test_certificate_status_is_shown_in_words(
    make_course,
    learner,
    learner_client: Client,
    valid_months: int | None,
    change: dict[str, Any],
    label: str,
) -> None:
    course = make_course(lessons=0, quiz=False, certificate_valid_months=valid_months)
    completed_at = timezone.now() - timedelta(days=61 if valid_months else 0)
    enrolment = Enrolment.objects.create(user=learner, course=course, completed_at=completed_at)
    certificate = certificate_issue(enrolment=enrolment)
    Certificate.objects.filter(pk=certificate.pk).update(**change)
    certificate.refresh_from_db()
    assert certificate.status_label == label
    detail = learner_client.get(reverse("training:certificate_detail", args=[certificate.code]))
    assert f"<dd>{label}</dd>" in detail.content.decode()
    dashboard = learner_client.get(reverse("training:dashboard")).content.decode()
    assert re.search(rf"\(\d+ \w+ \d{{4}}, {label}\)", dashboard), dashboard


def test_every_status_value_has_words() -> None:
    for value in Certificate.Status:
        assert str(Certificate.Status(value).label).strip()


# --- Feedback as a sentence, for every question type ------------------------------------------


def _wrong(question: dict[str, Any]) -> Any:
    if question["type"] == "ordering":
        return {key: str(n) for n, key in enumerate(reversed(question["correct_order"]), 1)}
    wrong = [o["key"] for o in question["options"] if not o["correct"]]
    return wrong if question["type"] == "multiple_choice" else wrong[0]


def _right(question: dict[str, Any]) -> Any:
    if question["type"] == "ordering":
        return {key: str(n) for n, key in enumerate(question["correct_order"], 1)}
    right = [o["key"] for o in question["options"] if o["correct"]]
    return right if question["type"] == "multiple_choice" else right[0]


EXPECTED_WRONG = {
    "single_choice": "U antwoordde „Geweld tussen buren”; "
    "het juiste antwoord is „Geweld tussen familieleden”.",
    "multiple_choice": "U koos „Pesten op het werk”; "
    "de juiste antwoorden zijn „Partnergeweld” en „Oudermishandeling”.",
    "true_false": "U antwoordde „Juist”; het juiste antwoord is „Niet juist”.",
    "ordering": "U koos de volgorde „Afronding”, „Uitvoering”, „Exploratie”; "
    "de juiste volgorde is „Exploratie”, „Uitvoering”, „Afronding”.",
}
EXPECTED_RIGHT = {
    "single_choice": "U antwoordde „Geweld tussen familieleden”.",
    "multiple_choice": "U koos „Partnergeweld” en „Oudermishandeling”.",
    "true_false": "U antwoordde „Niet juist”.",
    "ordering": "U zette de stappen in de juiste volgorde: "
    "„Exploratie”, „Uitvoering”, „Afronding”.",
}


def test_feedback_sentence_for_every_question_type(make_course, learner_client: Client) -> None:
    course = make_course(lessons=0)
    _lesson, quiz = _steps(course)
    learner_client.post(reverse("training:enrol", args=[course.pk]))
    learner_client.post(reverse("training:start_quiz", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get()
    types = {q["type"] for q in attempt.questions}
    assert types == set(QuestionStreamBlock.base_blocks)  # a new type must be covered here
    for question in attempt.questions:
        kind = question["type"]
        # Options are shuffled per attempt: compare independent of the order they were drawn.
        wrong = feedback_sentence(question, _wrong(question), False)
        right = feedback_sentence(question, _right(question), True)
        if kind == "multiple_choice":
            assert "„Partnergeweld”" in right and "„Oudermishandeling”" in right
            assert right.startswith("U koos „") and " en „" in right
            assert wrong.startswith("U koos „Pesten op het werk”; de juiste antwoorden zijn „")
        else:
            assert wrong == EXPECTED_WRONG[kind]
            assert right == EXPECTED_RIGHT[kind]
        nothing = feedback_sentence(question, None, False)
        assert nothing.startswith("U gaf geen "), nothing


def test_result_page_reads_as_sentences(make_course, learner_client: Client) -> None:
    course = make_course(lessons=0)
    _lesson, quiz = _steps(course)
    learner_client.post(reverse("training:enrol", args=[course.pk]))
    learner_client.post(reverse("training:start_quiz", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get()
    response = learner_client.post(
        reverse("training:attempt", args=[attempt.pk]), answers_for(attempt, right=False)
    )
    html = learner_client.get(response["Location"]).content.decode()
    assert "Uw antwoord" not in html
    assert "<strong>Niet goed.</strong> " + EXPECTED_WRONG["true_false"] in html
    assert html.count("<strong>Niet goed.</strong>") == 4
