"""Training models: catalogue pages, learner records, sessions."""

from .learning import Certificate, Enrolment, LearnerProfile, LessonCompletion, QuizAttempt
from .pages import CoursePage, LessonPage, QuizPage, TrainingIndexPage
from .sessions import (
    ACTIVE,
    HOLDS_A_PLACE,
    RegistrationStatus,
    SessionKind,
    SessionRegistration,
    TrainingSession,
)

__all__ = [
    "ACTIVE",
    "HOLDS_A_PLACE",
    "Certificate",
    "CoursePage",
    "Enrolment",
    "LearnerProfile",
    "LessonCompletion",
    "LessonPage",
    "QuizAttempt",
    "QuizPage",
    "RegistrationStatus",
    "SessionKind",
    "SessionRegistration",
    "TrainingIndexPage",
    "TrainingSession",
]
