"""Enrolment, visits, lesson completion and course completion (which issues the certificate)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from ..models import CoursePage, Enrolment, LearnerProfile, LessonCompletion, LessonPage


class TrainingError(Exception):
    """A learner action that is not allowed now; ``message`` is Dutch and safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def enrolment_create(*, user: Any, course: CoursePage) -> Enrolment:
    """Enrol (idempotent)."""
    if not course.live:
        from django.utils.translation import gettext as _

        raise TrainingError(_("Deze cursus is niet beschikbaar."))
    enrolment, _created = Enrolment.objects.get_or_create(user=user, course=course)
    return enrolment


def enrolment_record_visit(*, enrolment: Enrolment, page: Page) -> None:
    """Remember where the learner was, for 'resume where you left off' (one UPDATE)."""
    now = timezone.now()
    Enrolment.objects.filter(pk=enrolment.pk).update(last_page=page, last_visited_at=now)
    enrolment.last_page_id = page.pk
    enrolment.last_visited_at = now


def lesson_complete(*, user: Any, lesson: LessonPage) -> Enrolment:
    """Mark a lesson done (idempotent) and complete the course if that was the last step."""
    from django.utils.translation import gettext as _

    from ..selectors import course_progress_for

    course = lesson.get_parent().specific
    progress = course_progress_for(course=course, user=user)
    if progress.enrolment is None:
        raise TrainingError(_("Schrijf u eerst in voor deze cursus."))
    step = progress.step_for(lesson.pk)
    if step is None or step.locked:
        raise TrainingError(_("Rond eerst de vorige onderdelen af."))
    with transaction.atomic():
        LessonCompletion.objects.get_or_create(enrolment=progress.enrolment, lesson=lesson)
        enrolment_check_completion(enrolment=progress.enrolment)
    return progress.enrolment


def enrolment_check_completion(*, enrolment: Enrolment) -> bool:
    """Complete the enrolment and issue the certificate when every lesson is done and every quiz
    passed. Runs inside the caller's transaction; idempotent."""
    from ..selectors import course_progress_for
    from .certificates import certificate_issue

    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if locked.completed_at is not None:
        return True
    progress = course_progress_for(course=locked.course, user=locked.user)
    if not progress.is_complete:
        return False
    locked.completed_at = timezone.now()
    locked.save(update_fields=["completed_at"])
    enrolment.completed_at = locked.completed_at
    certificate_issue(enrolment=locked)
    return True


def learner_profile_update(*, user: Any, organisation: Any) -> LearnerProfile:
    profile, _created = LearnerProfile.objects.update_or_create(
        user=user, defaults={"organisation": organisation}
    )
    return profile
