"""Reads for training: catalogue, a learner's progress, attempts, sessions, managers' reports.

Every list is built with a fixed number of queries (asserted in the tests).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from wagtail.models import Page

from portal.organisations.models import Membership, Role

from .models import (
    HOLDS_A_PLACE,
    Certificate,
    CoursePage,
    Enrolment,
    LearnerProfile,
    LessonCompletion,
    LessonPage,
    QuizAttempt,
    QuizPage,
    RegistrationStatus,
    SessionKind,
    SessionRegistration,
    TrainingIndexPage,
    TrainingSession,
)

MANAGER_ROLES = (Role.COORDINATOR, Role.ORGANISATION_ADMIN)


# --- Catalogue and progress ------------------------------------------------------------------


@dataclass
class Step:
    page: LessonPage | QuizPage
    kind: str  # "lesson" or "quiz"
    done: bool = False
    locked: bool = False
    best_score: int | None = None
    attempts: int = 0


@dataclass
class CourseProgress:
    course: CoursePage
    enrolment: Enrolment | None
    steps: list[Step] = field(default_factory=list)
    certificate: Certificate | None = None

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def done_count(self) -> int:
        return sum(1 for step in self.steps if step.done)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return bool(self.steps) and all(step.done for step in self.steps)

    @property
    def resume_step(self) -> Step | None:
        """Where to continue: the last page visited if it is still open and not done, else the
        first open step that is not done yet."""
        if self.enrolment is None:
            return None
        open_steps = [step for step in self.steps if not step.locked and not step.done]
        for step in open_steps:
            if step.page.pk == self.enrolment.last_page_id:
                return step
        return open_steps[0] if open_steps else None

    def step_for(self, page_id: int) -> Step | None:
        return next((step for step in self.steps if step.page.pk == page_id), None)


def course_steps(course: CoursePage) -> list[LessonPage | QuizPage]:
    """The course's live lessons and quizzes in tree order (one query per page type)."""
    return list(
        Page.objects.child_of(course).live().type(LessonPage, QuizPage).order_by("path").specific()
    )


def _steps_with_state(
    pages: list[LessonPage | QuizPage],
    *,
    done_lessons: set[int],
    quiz_scores: dict[int, tuple[int | None, bool, int]],
    sequential: bool,
) -> list[Step]:
    steps: list[Step] = []
    previous_done = True
    for page in pages:
        if isinstance(page, QuizPage):
            best, passed, count = quiz_scores.get(page.pk, (None, False, 0))
            step = Step(page=page, kind="quiz", done=passed, best_score=best, attempts=count)
        else:
            step = Step(page=page, kind="lesson", done=page.pk in done_lessons)
        step.locked = sequential and not previous_done
        previous_done = previous_done and step.done
        steps.append(step)
    return steps


def _quiz_scores(enrolment_ids: list[int]) -> dict[tuple[int, int], tuple[int | None, bool, int]]:
    rows = (
        QuizAttempt.objects.filter(enrolment_id__in=enrolment_ids, submitted_at__isnull=False)
        .values("enrolment_id", "quiz_id")
        .annotate(
            best=Max("score"),
            passed_count=Count("id", filter=Q(passed=True)),
            attempts=Count("id"),
        )
    )
    return {
        (row["enrolment_id"], row["quiz_id"]): (
            row["best"],
            row["passed_count"] > 0,
            row["attempts"],
        )
        for row in rows
    }


def course_progress_for(*, course: CoursePage, user: Any) -> CourseProgress:
    pages = course_steps(course)
    if not getattr(user, "is_authenticated", False):
        return CourseProgress(
            course=course,
            enrolment=None,
            steps=_steps_with_state(
                pages, done_lessons=set(), quiz_scores={}, sequential=course.sequential
            ),
        )
    enrolment = (
        Enrolment.objects.filter(user=user, course=course).select_related("certificate").first()
    )
    done_lessons: set[int] = set()
    scores: dict[int, tuple[int | None, bool, int]] = {}
    certificate = None
    if enrolment is not None:
        done_lessons = set(
            LessonCompletion.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)
        )
        scores = {quiz_id: value for (_e, quiz_id), value in _quiz_scores([enrolment.pk]).items()}
        certificate = getattr(enrolment, "certificate", None)
    return CourseProgress(
        course=course,
        enrolment=enrolment,
        steps=_steps_with_state(
            pages, done_lessons=done_lessons, quiz_scores=scores, sequential=course.sequential
        ),
        certificate=certificate,
    )


def catalogue_for(*, index: TrainingIndexPage, user: Any) -> list[dict[str, Any]]:
    """Published courses with the learner's state (enrolled, completed) in two queries."""
    courses = list(CoursePage.objects.child_of(index).live().order_by("path"))
    state: dict[int, Enrolment] = {}
    if getattr(user, "is_authenticated", False):
        state = {e.course_id: e for e in Enrolment.objects.filter(user=user)}
    return [{"course": course, "enrolment": state.get(course.pk)} for course in courses]


def attempts_for(*, enrolment: Enrolment | None, quiz: QuizPage) -> list[QuizAttempt]:
    if enrolment is None:
        return []
    return list(QuizAttempt.objects.filter(enrolment=enrolment, quiz=quiz).order_by("number"))


def attempt_for_learner(*, user: Any, attempt_id: int) -> QuizAttempt | None:
    """The attempt if it is the user's own; None both when it does not exist and when it is not
    theirs (no existence leak)."""
    return (
        QuizAttempt.objects.select_related("enrolment", "quiz")
        .filter(pk=attempt_id, enrolment__user=user)
        .first()
    )


# --- Dashboard -------------------------------------------------------------------------------


@dataclass
class Dashboard:
    enrolments: list[Enrolment]
    certificates: list[Certificate]
    registrations: list[SessionRegistration]
    hours_courses: Decimal
    hours_sessions: Decimal

    @property
    def hours_total(self) -> Decimal:
        return self.hours_courses + self.hours_sessions


def dashboard_for(*, user: Any) -> Dashboard:
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("course", "last_page")
        .order_by("-enrolled_at")
    )
    certificates = list(Certificate.objects.filter(user=user).order_by("-issued_at"))
    registrations = list(
        SessionRegistration.objects.filter(user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("session")
        .order_by("session__starts_at")
    )
    hours_courses = sum(
        (c.training_hours for c in certificates if c.revoked_at is None), Decimal("0")
    )
    hours_sessions = sum(
        (r.session.training_hours for r in registrations if r.attended), Decimal("0")
    )
    return Dashboard(enrolments, certificates, registrations, hours_courses, hours_sessions)


def certificate_by_code(code: str) -> Certificate | None:
    return Certificate.objects.filter(code=code.strip().upper()).first()


def certificate_of_learner(*, user: Any, code: str) -> Certificate | None:
    return Certificate.objects.filter(code=code.strip().upper(), user=user).first()


# --- Sessions --------------------------------------------------------------------------------


def upcoming_sessions() -> QuerySet[TrainingSession]:
    """Future sessions with the number of places taken, in one query."""
    return (
        TrainingSession.objects.filter(starts_at__gt=timezone.now())
        .select_related("course")
        .annotate(
            places_taken=Count("registrations", filter=Q(registrations__status__in=HOLDS_A_PLACE)),
            waiting=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
            ),
        )
        .order_by("starts_at")
    )


def session_detail(session_id: int) -> TrainingSession | None:
    return upcoming_sessions().filter(pk=session_id).first() or (
        TrainingSession.objects.filter(pk=session_id)
        .annotate(
            places_taken=Count("registrations", filter=Q(registrations__status__in=HOLDS_A_PLACE)),
            waiting=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
            ),
        )
        .first()
    )


def session_for_ical(session_id: int) -> TrainingSession | None:
    """The session for its public calendar file (whose LOCATION is the public place only)."""
    return TrainingSession.objects.filter(pk=session_id).first()


def public_agenda_url() -> str | None:
    """The URL of the public agenda (``content.EventIndexPage``) in the active language, else
    in any language; None when the site has none. The agenda lists the sessions too, so the
    training app's own list sends people there (one list)."""
    from wagtail.models import Locale

    from content.models import EventIndexPage

    agendas = EventIndexPage.objects.live().public()
    agenda = agendas.filter(locale=Locale.get_active()).first() or agendas.first()
    return agenda.url if agenda is not None else None


def is_training_coordinator(user: Any) -> bool:
    """Veilig Huis coordinators run sessions: an active coordinator membership anywhere."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        user=user, is_active=True, role=Role.COORDINATOR, organisation__is_active=True
    ).exists()


def attendees_for_coordinator(*, user: Any, session_id: int) -> TrainingSession | None:
    """The session with its registrations, for a coordinator only (None otherwise)."""
    if not is_training_coordinator(user):
        return None
    return TrainingSession.objects.filter(pk=session_id).first()


def session_registrations(session: TrainingSession) -> list[SessionRegistration]:
    """Every registration of the session in the order they came (the coordinator's list; the
    caller has checked access with ``attendees_for_coordinator``)."""
    return list(session.registrations.order_by("created_at", "id"))


# --- Managers' reports -----------------------------------------------------------------------


def managed_organisations(user: Any) -> list[Any]:
    """Organisations in which the user is an active coordinator or organisation admin."""
    if not getattr(user, "is_authenticated", False):
        return []
    memberships = Membership.objects.filter(
        user=user, is_active=True, role__in=MANAGER_ROLES, organisation__is_active=True
    ).select_related("organisation")
    seen: dict[int, Any] = {}
    for membership in memberships:
        seen.setdefault(membership.organisation_id, membership.organisation)
    return sorted(seen.values(), key=lambda org: org.name)


@dataclass
class LearnerRow:
    user: Any
    courses: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[SessionRegistration] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        course_hours = sum((c["hours"] for c in self.courses if c["completed_at"]), Decimal("0"))
        session_hours = sum((r.session.training_hours for r in self.sessions), Decimal("0"))
        return course_hours + session_hours

    @property
    def completed_count(self) -> int:
        return sum(1 for c in self.courses if c["completed_at"])


def organisation_report(*, organisation: Any) -> list[LearnerRow]:
    """Learners of one organisation (members, and learners who chose it in their profile) with
    their courses, best scores and attended sessions. A fixed number of queries."""
    from portal.accounts.models import User

    member_ids = Membership.objects.filter(organisation=organisation, is_active=True).values(
        "user_id"
    )
    profile_ids = LearnerProfile.objects.filter(organisation=organisation).values("user_id")
    users = list(
        User.objects.filter(Q(pk__in=member_ids) | Q(pk__in=profile_ids))
        .filter(is_active=True)
        .order_by("full_name", "email")
    )
    rows = {user.pk: LearnerRow(user=user) for user in users}
    enrolments = list(
        Enrolment.objects.filter(user_id__in=rows).select_related("course").order_by("enrolled_at")
    )
    scores_by_enrolment: dict[int, list[int]] = defaultdict(list)
    for (enrolment_id, _quiz), (best, _passed, _count) in _quiz_scores(
        [e.pk for e in enrolments]
    ).items():
        if best is not None:
            scores_by_enrolment[enrolment_id].append(best)
    for enrolment in enrolments:
        scores = scores_by_enrolment.get(enrolment.pk, [])
        rows[enrolment.user_id].courses.append(
            {
                "title": enrolment.course.title,
                "enrolled_at": enrolment.enrolled_at,
                "completed_at": enrolment.completed_at,
                "hours": enrolment.course.training_hours,
                "average_best_score": round(sum(scores) / len(scores)) if scores else None,
            }
        )
    attended = (
        SessionRegistration.objects.filter(user_id__in=rows, attended=True)
        .exclude(session__kind=SessionKind.PEER_SUPPORT)
        .select_related("session")
        .order_by("session__starts_at")
    )
    for registration in attended:
        rows[registration.user_id].sessions.append(registration)
    return list(rows.values())


def live_course(course_id: int) -> CoursePage | None:
    """The published course ``course_id``, or None (a draft or a missing one alike)."""
    return CoursePage.objects.live().filter(pk=course_id).first()


def live_lesson(lesson_id: int) -> LessonPage | None:
    """The published lesson ``lesson_id``, or None."""
    return LessonPage.objects.live().filter(pk=lesson_id).first()


def live_quiz(quiz_id: int) -> QuizPage | None:
    """The published quiz ``quiz_id``, or None."""
    return QuizPage.objects.live().filter(pk=quiz_id).first()


def learner_profile_of(user: Any) -> LearnerProfile | None:
    """The learner's own profile (the organisation they learn for), or None before the first."""
    return LearnerProfile.objects.filter(user=user).first()
