"""Courses: Wagtail course pages with lessons and a quiz, published through the real page tree;
training sessions; and the answers that pass or fail a quiz attempt."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from content.training.models import CoursePage, LessonPage, QuizPage, SessionKind, TrainingSession


def stream(blocks: list[tuple[str, Any]]) -> str:
    return json.dumps([{"type": t, "value": v, "id": str(uuid.uuid4())} for t, v in blocks])


def publish(parent: Any, page: Any) -> Any:
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


QUESTIONS = [
    (
        "single_choice",
        {
            "prompt": "Welke omschrijving past bij IFG?",
            "choices": [
                {"text": "Geweld tussen familieleden", "correct": True, "feedback": "Juist zo."},
                {
                    "text": "Geweld tussen buren",
                    "correct": False,
                    "feedback": "Buren zijn geen familie.",
                },
            ],
        },
    ),
    (
        "multiple_choice",
        {
            "prompt": "Welke zijn vormen van IFG?",
            "choices": [
                {"text": "Partnergeweld", "correct": True, "feedback": ""},
                {"text": "Oudermishandeling", "correct": True, "feedback": ""},
                {"text": "Pesten op het werk", "correct": False, "feedback": "Geen familie."},
            ],
        },
    ),
    (
        "true_false",
        {
            "prompt": "Gezinnen kunnen zelf aanmelden bij Veilig Huis.",
            "is_true": False,
            "feedback_true": "Niet juist: alleen professionals melden aan.",
            "feedback_false": "Juist.",
        },
    ),
    (
        "ordering",
        {
            "prompt": "Zet de fasen in volgorde.",
            "items": ["Exploratie", "Uitvoering", "Afronding"],
            "feedback_correct": "Goed.",
            "feedback_incorrect": "Eerst exploratie.",
        },
    ),
]


class CoursePageFactory(factory.Factory):
    """A published course under ``parent`` (the training index) with ``lessons`` lessons and,
    unless ``quiz=False``, the quiz of ``QUESTIONS`` (pass mark 80)."""

    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Cursus {n}")
    slug = factory.Sequence(lambda n: f"cursus-{n}")
    summary = "Korte omschrijving"
    audience = "Professionals"
    duration = "1 uur"
    training_hours = Decimal("2.0")
    learning_objectives = "<ul><li>Leerdoel</li></ul>"
    sequential = False

    @classmethod
    def _create(cls, model_class: type[CoursePage], *args: Any, **kwargs: Any) -> CoursePage:
        parent = kwargs.pop("parent")
        lessons = kwargs.pop("lessons", 2)
        quiz = kwargs.pop("quiz", True)
        course = publish(parent, model_class(*args, **kwargs))
        for i in range(1, lessons + 1):
            publish(
                course,
                LessonPage(
                    title=f"Les {i}",
                    slug=f"les-{i}",
                    body=stream([("text", f"<p>Inhoud van les {i}.</p>")]),
                ),
            )
        if quiz:
            publish(
                course,
                QuizPage(title="Toets", slug="toets", questions=stream(QUESTIONS), pass_mark=80),
            )
        return course


class TrainingSessionFactory(DjangoModelFactory):
    """An in-person session for two, a week from now (``in_days`` moves it)."""

    class Meta:
        model = TrainingSession

    class Params:
        in_days = 7

    kind = SessionKind.IN_PERSON
    title = "Vorming IFG"
    starts_at = factory.LazyAttribute(lambda o: timezone.now() + timedelta(days=o.in_days))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    location = "Gent"
    capacity = 2
    training_hours = Decimal("2.0")


def answers_for(attempt: Any, *, right: bool) -> dict[str, str | list[str]]:
    """POST data answering every question of an attempt right (or every one wrong)."""
    data: dict[str, Any] = {}
    for q in attempt.questions:
        qid = q["id"]
        if q["type"] in ("single_choice", "true_false"):
            pick = next(o for o in q["options"] if o["correct"] == right)
            data[f"q_{qid}"] = pick["key"]
        elif q["type"] == "multiple_choice":
            if right:
                data[f"q_{qid}"] = [o["key"] for o in q["options"] if o["correct"]]
            else:
                data[f"q_{qid}"] = [o["key"] for o in q["options"] if not o["correct"]]
        else:
            order = q["correct_order"] if right else list(reversed(q["correct_order"]))
            for position, key in enumerate(order, start=1):
                data[f"q_{qid}__{key}"] = str(position)
    return data
