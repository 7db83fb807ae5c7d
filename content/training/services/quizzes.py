"""Quiz attempts: draw and shuffle a snapshot of questions, grade the answers.

Option keys are random per attempt, so neither their order nor their names give the answer away.
"""

from __future__ import annotations

import random
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Enrolment, QuizAttempt, QuizPage
from .learning import TrainingError, enrolment_check_completion

_rng = random.SystemRandom()


def _key() -> str:
    return secrets.token_hex(4)


def snapshot_question(block: Any, fallback_id: str = "") -> dict[str, Any]:
    """One StreamField question as the plain data an attempt keeps."""
    value = block.value
    question: dict[str, Any] = {
        "id": str(block.id or fallback_id),
        "type": block.block_type,
        "prompt": value["prompt"],
    }
    if block.block_type in ("single_choice", "multiple_choice"):
        options = [
            {
                "key": _key(),
                "text": choice["text"],
                "correct": bool(choice["correct"]),
                "feedback": choice["feedback"] or "",
            }
            for choice in value["choices"]
        ]
        _rng.shuffle(options)
        question["options"] = options
    elif block.block_type == "true_false":
        question["options"] = [
            {
                "key": _key(),
                "text": _("Juist"),
                "correct": bool(value["is_true"]),
                "feedback": value["feedback_true"] or "",
            },
            {
                "key": _key(),
                "text": _("Niet juist"),
                "correct": not value["is_true"],
                "feedback": value["feedback_false"] or "",
            },
        ]
    elif block.block_type == "ordering":
        items = [{"key": _key(), "text": text} for text in value["items"]]
        question["correct_order"] = [item["key"] for item in items]
        shuffled = list(items)
        # Never show the items already in the right order (unless there is no other order).
        for _attempt in range(10):
            _rng.shuffle(shuffled)
            if [i["key"] for i in shuffled] != question["correct_order"]:
                break
        question["items"] = shuffled
        question["feedback_correct"] = value["feedback_correct"] or ""
        question["feedback_incorrect"] = value["feedback_incorrect"] or ""
    else:  # pragma: no cover - a new block type without a snapshot is a programming error
        raise ValueError(block.block_type)
    return question


def draw_questions(quiz: QuizPage) -> list[dict[str, Any]]:
    blocks = [(block, f"q{index}") for index, block in enumerate(quiz.questions)]
    count = quiz.questions_per_attempt or len(blocks)
    drawn = _rng.sample(blocks, k=min(count, len(blocks)))
    return [snapshot_question(block, fallback_id) for block, fallback_id in drawn]


def attempt_start(*, user: Any, quiz: QuizPage) -> QuizAttempt:
    """Start an attempt, or return the one still open."""
    from ..selectors import course_progress_for

    course = quiz.get_parent().specific
    progress = course_progress_for(course=course, user=user)
    if progress.enrolment is None:
        raise TrainingError(_("Schrijf u eerst in voor deze cursus."))
    step = progress.step_for(quiz.pk)
    if step is None or step.locked:
        raise TrainingError(_("Rond eerst de vorige onderdelen af."))
    with transaction.atomic():
        # One attempt is numbered at a time per enrolment.
        enrolment = Enrolment.objects.select_for_update().get(pk=progress.enrolment.pk)
        open_attempt = QuizAttempt.objects.filter(
            enrolment=enrolment, quiz=quiz, submitted_at__isnull=True
        ).first()
        if open_attempt is not None:
            return open_attempt
        used = QuizAttempt.objects.filter(enrolment=enrolment, quiz=quiz).count()
        if quiz.max_attempts is not None and used >= quiz.max_attempts:
            raise TrainingError(_("U hebt alle pogingen voor deze toets gebruikt."))
        attempt = QuizAttempt(
            enrolment=enrolment,
            quiz=quiz,
            number=used + 1,
            pass_mark=quiz.pass_mark,
            questions=draw_questions(quiz),
        )
        attempt.full_clean()
        attempt.save()
    return attempt


def is_correct(question: dict[str, Any], answer: Any) -> bool:
    kind = question["type"]
    if kind in ("single_choice", "true_false"):
        right = [o["key"] for o in question["options"] if o["correct"]]
        return answer in right and len(right) == 1
    if kind == "multiple_choice":
        right = {o["key"] for o in question["options"] if o["correct"]}
        return isinstance(answer, list) and set(answer) == right
    if kind == "ordering":
        if not isinstance(answer, dict):
            return False
        order = sorted(answer, key=lambda key: int(answer[key]))
        return order == question["correct_order"]
    return False


def grade(questions: list[dict[str, Any]], answers: dict[str, Any]) -> int:
    """Percentage of questions answered entirely right (rounded down, so 79.9 % is not 80 %)."""
    if not questions:
        return 0
    right = sum(1 for q in questions if is_correct(q, answers.get(q["id"])))
    return (100 * right) // len(questions)


def attempt_submit(*, attempt: QuizAttempt, answers: dict[str, Any]) -> QuizAttempt:
    """Grade and close an attempt; passing may complete the course."""
    with transaction.atomic():
        locked = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.submitted_at is not None:
            raise TrainingError(_("Deze poging is al ingediend."))
        locked.answers = answers
        locked.score = grade(locked.questions, answers)
        locked.passed = locked.score >= locked.pass_mark
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["answers", "score", "passed", "submitted_at"])
        if locked.passed:
            enrolment_check_completion(enrolment=locked.enrolment)
    return locked
