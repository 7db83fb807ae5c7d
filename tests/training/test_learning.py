"""Catalogue, enrolment, lessons, quizzes, progress and completion, through the real views."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content.training.models import (
    Certificate,
    CoursePage,
    Enrolment,
    LessonPage,
    QuizAttempt,
    QuizPage,
    TrainingIndexPage,
)
from content.training.selectors import course_progress_for
from content.training.services.quizzes import grade, is_correct
from tests.factories.courses import answers_for

pytestmark = pytest.mark.django_db


def _steps(course: CoursePage) -> tuple[list[LessonPage], QuizPage]:
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    return lessons, QuizPage.objects.child_of(course).first()


def test_page_tree_rules(index: TrainingIndexPage, make_course) -> None:
    course = make_course(lessons=1)
    assert TrainingIndexPage.can_create_at(index.get_parent().specific) is False  # max_count 1
    assert CoursePage.can_create_at(index)
    assert not CoursePage.can_create_at(course)
    assert LessonPage.can_create_at(course) and QuizPage.can_create_at(course)
    assert not LessonPage.can_create_at(index)


def test_reserved_course_slug_is_refused(index: TrainingIndexPage) -> None:
    from django.core.exceptions import ValidationError

    course = CoursePage(
        title="Sessies",
        slug="sessies",
        summary="x",
        audience="x",
        duration="x",
        learning_objectives="<p>x</p>",
    )
    with pytest.raises(ValidationError):
        course.clean()


def test_catalogue_lists_live_courses_in_fixed_queries(
    index: TrainingIndexPage, make_course, learner_client: Client
) -> None:
    make_course(title="IFG herkennen")
    response = learner_client.get(index.url)
    assert response.status_code == 200
    assert "IFG herkennen" in response.content.decode()
    with CaptureQueriesContext(connection) as few:
        learner_client.get(index.url)
    for _ in range(4):
        make_course()
    with CaptureQueriesContext(connection) as many:
        learner_client.get(index.url)
    assert len(many) == len(few)


def test_lessons_need_enrolment(make_course, learner_client: Client) -> None:
    course = make_course()
    lessons, _quiz = _steps(course)
    response = learner_client.get(lessons[0].url)
    assert response.status_code == 302 and response["Location"] == course.url


def test_anonymous_visitor_is_sent_to_sign_in(make_course) -> None:
    course = make_course()
    lessons, _quiz = _steps(course)
    response = Client().get(lessons[0].url)
    assert response.status_code == 302 and "/account/aanmelden/" in response["Location"]


def test_unverified_signup_cannot_enrol(make_course, make_user) -> None:
    from portal.accounts.models import User

    course = make_course()
    user = make_user(origin=User.Origin.SIGNUP)
    client = Client()
    client.force_login(user)
    response = client.post(reverse("training:enrol", args=[course.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_check_email")
    assert not Enrolment.objects.exists()


def test_sequential_locking_and_resume(make_course, learner, learner_client: Client) -> None:
    course = make_course(lessons=2, sequential=True)
    lessons, quiz = _steps(course)
    response = learner_client.post(reverse("training:enrol", args=[course.pk]))
    assert response["Location"] == lessons[0].url
    # The second lesson and the quiz are locked until the first lesson is done.
    assert learner_client.get(lessons[1].url)["Location"] == course.url
    assert learner_client.post(reverse("training:start_quiz", args=[quiz.pk])).status_code == 302
    assert not QuizAttempt.objects.exists()
    assert learner_client.get(lessons[0].url).status_code == 200
    response = learner_client.post(reverse("training:complete_lesson", args=[lessons[0].pk]))
    assert response["Location"] == lessons[1].url  # resume at the next open step
    assert learner_client.get(lessons[1].url).status_code == 200
    progress = course_progress_for(course=course, user=learner)
    assert progress.resume_step.page.pk == lessons[1].pk
    assert progress.done_count == 1 and progress.percent == 33


def test_fail_then_pass_completes_course_and_issues_certificate(
    make_course, learner, learner_client: Client
) -> None:
    course = make_course(lessons=1, certificate_valid_months=12)
    lessons, quiz = _steps(course)
    learner_client.post(reverse("training:enrol", args=[course.pk]))
    learner_client.post(reverse("training:complete_lesson", args=[lessons[0].pk]))

    learner_client.post(reverse("training:start_quiz", args=[quiz.pk]))
    first = QuizAttempt.objects.get()
    assert len(first.questions) == 4
    response = learner_client.post(
        reverse("training:attempt", args=[first.pk]), answers_for(first, right=False)
    )
    first.refresh_from_db()
    assert first.score == 0 and not first.passed
    result = learner_client.get(response["Location"]).content.decode()
    assert "Niet geslaagd" in result and "Buren zijn geen familie." in result
    assert not Certificate.objects.exists()

    learner_client.post(reverse("training:start_quiz", args=[quiz.pk]))
    second = QuizAttempt.objects.exclude(pk=first.pk).get()
    assert second.number == 2
    learner_client.post(
        reverse("training:attempt", args=[second.pk]), answers_for(second, right=True)
    )
    second.refresh_from_db()
    assert second.score == 100 and second.passed
    enrolment = Enrolment.objects.get()
    assert enrolment.completed_at is not None
    certificate = Certificate.objects.get()
    assert certificate.learner_name == "Fien Fictief"
    assert certificate.training_hours == course.training_hours
    assert certificate.expires_at is not None and certificate.status() == "valid"


def test_invalid_answers_show_dutch_summary_and_keep_answers(
    make_course, learner_client: Client
) -> None:
    course = make_course(lessons=0)
    _lessons, quiz = _steps(course)
    learner_client.post(reverse("training:enrol", args=[course.pk]))
    learner_client.post(reverse("training:start_quiz", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get()
    data = answers_for(attempt, right=True)
    ordering = next(q for q in attempt.questions if q["type"] == "ordering")
    for item in ordering["items"]:
        data[f"q_{ordering['id']}__{item['key']}"] = "1"  # the same place three times
    single = next(q for q in attempt.questions if q["type"] == "single_choice")
    del data[f"q_{single['id']}"]
    response = learner_client.post(reverse("training:attempt", args=[attempt.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Er is een probleem" in html
    assert "Elke plaats mag maar één keer voorkomen." in html
    assert "Kies een antwoord." in html
    multiple = next(q for q in attempt.questions if q["type"] == "multiple_choice")
    chosen = data[f"q_{multiple['id']}"]
    for key in chosen:  # the answers given are still ticked
        assert f'value="{key}"' in html
    assert html.count("checked") >= len(chosen)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_someone_elses_attempt_is_not_found(make_course, learner_client: Client, make_user) -> None:
    course = make_course(lessons=0)
    _lessons, quiz = _steps(course)
    learner_client.post(reverse("training:enrol", args=[course.pk]))
    learner_client.post(reverse("training:start_quiz", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get()
    other = Client()
    other.force_login(make_user())
    assert other.get(reverse("training:attempt", args=[attempt.pk])).status_code == 404
    assert other.get(reverse("training:attempt", args=[attempt.pk + 999])).status_code == 404


def test_question_pool_is_drawn_and_shuffled(make_course, learner, learner_client: Client) -> None:
    course = make_course(lessons=0)
    _lessons, quiz = _steps(course)
    quiz.questions_per_attempt = 2
    quiz.save_revision().publish()
    learner_client.post(reverse("training:enrol", args=[course.pk]))
    drawn_sets = set()
    for _ in range(12):
        learner_client.post(reverse("training:start_quiz", args=[quiz.pk]))
        attempt = QuizAttempt.objects.filter(submitted_at__isnull=True).get()
        assert len(attempt.questions) == 2
        drawn_sets.add(tuple(sorted(q["prompt"] for q in attempt.questions)))
        learner_client.post(
            reverse("training:attempt", args=[attempt.pk]), answers_for(attempt, right=True)
        )
    assert len(drawn_sets) > 1  # 12 draws of 2 from 4: the same pair every time is ~1e-9


def test_max_attempts_is_enforced(make_course, learner_client: Client) -> None:
    course = make_course(lessons=0)
    _lessons, quiz = _steps(course)
    quiz.max_attempts = 1
    quiz.save_revision().publish()
    learner_client.post(reverse("training:enrol", args=[course.pk]))
    learner_client.post(reverse("training:start_quiz", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get()
    learner_client.post(
        reverse("training:attempt", args=[attempt.pk]), answers_for(attempt, right=False)
    )
    response = learner_client.post(reverse("training:start_quiz", args=[quiz.pk]), follow=True)
    assert "U hebt alle pogingen voor deze toets gebruikt." in response.content.decode()
    assert QuizAttempt.objects.count() == 1


def test_grading_rules() -> None:
    questions = [
        {
            "id": "a",
            "type": "single_choice",
            "options": [{"key": "x", "correct": True}, {"key": "y", "correct": False}],
        },
        {
            "id": "b",
            "type": "multiple_choice",
            "options": [
                {"key": "x", "correct": True},
                {"key": "y", "correct": True},
                {"key": "z", "correct": False},
            ],
        },
        {"id": "c", "type": "ordering", "correct_order": ["p", "q", "r"], "items": []},
    ]
    assert is_correct(questions[1], ["x"]) is False  # partly right is wrong
    assert is_correct(questions[1], ["y", "x"]) is True
    assert is_correct(questions[2], {"q": 2, "p": 1, "r": 3}) is True
    assert is_correct(questions[2], {"q": 1, "p": 2, "r": 3}) is False
    assert grade(questions, {"a": "x", "b": ["x", "y"], "c": {"p": 3, "q": 2, "r": 1}}) == 66


def test_lesson_and_quiz_pages_render_progress(make_course, learner_client: Client) -> None:
    course = make_course(lessons=1)
    lessons, quiz = _steps(course)
    learner_client.post(reverse("training:enrol", args=[course.pk]))
    html = learner_client.get(lessons[0].url).content.decode()
    assert "0 van 2 onderdelen voltooid" in html
    assert learner_client.get(quiz.url).status_code == 200
    dashboard = learner_client.get(reverse("training:dashboard")).content.decode()
    assert course.title in dashboard and "verder waar u was" in dashboard
