"""Editors build courses, lessons, quizzes and sessions in the Wagtail admin."""

from __future__ import annotations

import pytest
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from content.training.models import CoursePage, QuizPage, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(make_user, verified_client):
    user = make_user(is_superuser=True, is_staff=True)
    return verified_client(user)


def test_admin_add_forms_render(editor, index, make_course) -> None:
    course = make_course(lessons=0, quiz=False)
    for model, parent in (("coursepage", index), ("lessonpage", course), ("quizpage", course)):
        response = editor.get(f"/cms/pages/add/training/{model}/{parent.pk}/")
        assert response.status_code == 200, model
    assert editor.get("/cms/snippets/training/trainingsession/add/").status_code == 200


def test_editor_creates_a_quiz_with_questions(editor, make_course) -> None:
    course = make_course(lessons=0, quiz=False)
    data = nested_form_data(
        {
            "title": "Toets uit het beheer",
            "slug": "toets-beheer",
            "intro": rich_text("<p>Inleiding</p>"),
            "pass_mark": "80",
            "questions_per_attempt": "",
            "max_attempts": "",
            "questions": streamfield(
                [
                    (
                        "true_false",
                        {
                            "prompt": "Veilig Huis werkt op aanmelding door professionals.",
                            "is_true": "on",
                            "feedback_true": "Juist.",
                            "feedback_false": "Toch wel.",
                        },
                    ),
                    (
                        "single_choice",
                        {
                            "prompt": "Hoeveel centra telt Veilig Huis in Vlaanderen?",
                            "choices": streamfield(
                                [
                                    ("item", {"text": "Negen", "correct": "on", "feedback": ""}),
                                    ("item", {"text": "Vijf", "correct": "", "feedback": ""}),
                                ]
                            ),
                        },
                    ),
                ]
            ),
            "action-publish": "publish",
        }
    )
    response = editor.post(f"/cms/pages/add/training/quizpage/{course.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    quiz = QuizPage.objects.get(slug="toets-beheer")
    assert quiz.live and [b.block_type for b in quiz.questions] == ["true_false", "single_choice"]


def test_single_choice_needs_exactly_one_right_answer(editor, make_course) -> None:
    course = make_course(lessons=0, quiz=False)
    data = nested_form_data(
        {
            "title": "Foute toets",
            "slug": "foute-toets",
            "intro": rich_text(""),
            "pass_mark": "80",
            "questions": streamfield(
                [
                    (
                        "single_choice",
                        {
                            "prompt": "Vraag zonder juist antwoord",
                            "choices": streamfield(
                                [
                                    ("item", {"text": "A", "correct": "", "feedback": ""}),
                                    ("item", {"text": "B", "correct": "", "feedback": ""}),
                                ]
                            ),
                        },
                    ),
                ]
            ),
            "action-publish": "publish",
        }
    )
    response = editor.post(f"/cms/pages/add/training/quizpage/{course.pk}/", data)
    assert response.status_code == 200
    # Wagtail sends StreamField errors to its editor as JSON (non-ASCII escaped).
    assert "Duid precies \\u00e9\\u00e9n juist antwoord aan." in response.content.decode()
    assert not QuizPage.objects.filter(slug="foute-toets").exists()


def test_course_page_is_not_creatable_with_a_reserved_slug(editor, index) -> None:
    data = nested_form_data(
        {
            "title": "Sessies",
            "slug": "sessies",
            "summary": "x",
            "audience": "x",
            "duration": "x",
            "training_hours": "1.0",
            "learning_objectives": rich_text("<p>x</p>"),
            "prerequisites": "",
            "content_warning": "",
            "certificate_valid_months": "",
            "action-publish": "publish",
        }
    )
    response = editor.post(f"/cms/pages/add/training/coursepage/{index.pk}/", data)
    assert response.status_code == 200
    assert "Deze naam is voorbehouden" in response.content.decode()
    assert not CoursePage.objects.filter(slug="sessies").exists()
    assert not TrainingSession.objects.exists()
