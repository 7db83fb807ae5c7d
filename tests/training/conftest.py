"""Fixtures for training tests: a small catalogue built with the real page models."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from content.training.models import (
    CoursePage,
    LessonPage,
    QuizPage,
    SessionKind,
    TrainingIndexPage,
    TrainingSession,
)
from portal.accounts.models import User


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


@pytest.fixture
def home(db: Any) -> Any:
    """The site's home page. After another test's flush (transactional tests empty every table,
    migration data included) the Wagtail locale and root page are made again first."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page

    from content.demo import ensure_home_page

    locale, _created = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return ensure_home_page()


@pytest.fixture
def index(home: Any) -> TrainingIndexPage:
    return publish(home, TrainingIndexPage(title="Vorming", slug="vorming"))


@pytest.fixture
def make_course(index: TrainingIndexPage) -> Callable[..., CoursePage]:
    counter = iter(range(1, 1000))

    def _make(
        *, lessons: int = 2, quiz: bool = True, sequential: bool = False, **extra: Any
    ) -> CoursePage:
        n = next(counter)
        course = publish(
            index,
            CoursePage(
                title=extra.pop("title", f"Cursus {n}"),
                slug=f"cursus-{n}",
                summary="Korte omschrijving",
                audience="Professionals",
                duration="1 uur",
                training_hours=extra.pop("training_hours", Decimal("2.0")),
                learning_objectives="<ul><li>Leerdoel</li></ul>",
                sequential=sequential,
                **extra,
            ),
        )
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

    return _make


@pytest.fixture
def learner(make_user: Callable[..., User]) -> User:
    return make_user(
        email="lerende@test.example",
        full_name="Fien Fictief",
        origin=User.Origin.SIGNUP,
        email_verified_at=timezone.now(),
    )


@pytest.fixture
def learner_client(learner: User) -> Client:
    client = Client()
    client.force_login(learner)
    return client


@pytest.fixture
def make_session(db: Any) -> Callable[..., TrainingSession]:
    def _make(**extra: Any) -> TrainingSession:
        start = timezone.now() + timedelta(days=extra.pop("in_days", 7))
        defaults = {
            "kind": SessionKind.IN_PERSON,
            "title": "Vorming IFG",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "location": "Gent",
            "capacity": 2,
            "training_hours": Decimal("2.0"),
        }
        defaults.update(extra)
        return TrainingSession.objects.create(**defaults)

    return _make


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
