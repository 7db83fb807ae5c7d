"""Learners' records: profile, enrolments, lesson completions, quiz attempts and certificates.

Written only by ``services``; read through ``selectors``.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LearnerProfile(models.Model):
    """What training needs beyond the account: the organisation whose coordinators may see the
    learner's results (chosen by the learner; they are told so)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profiel van een lerende")
        verbose_name_plural = _("profielen van lerenden")

    def __str__(self) -> str:
        return str(self.user)


class Enrolment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_enrolments"
    )
    course = models.ForeignKey(
        "training.CoursePage", on_delete=models.CASCADE, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(default=timezone.now)
    last_page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_visited_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inschrijving voor een cursus")
        verbose_name_plural = _("inschrijvingen voor cursussen")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="training_enrolment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.course_id}"


class LessonCompletion(models.Model):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey("training.LessonPage", on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson"], name="training_lesson_completion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.lesson_id}"


class QuizAttempt(models.Model):
    """One attempt. ``questions`` is the snapshot drawn at the start (order, shuffled options,
    the right answers); ``answers`` maps question id to the learner's answer."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey("training.QuizPage", on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    pass_mark = models.PositiveSmallIntegerField()
    questions = models.JSONField(default=list, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "quiz", "number"], name="training_attempt_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="training_score_le_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id} #{self.number}"


class Certificate(models.Model):
    """Issued on completion. Name, course and hours are copied in, so the certificate stays what
    it said when the page or account later changes; the code is public, the rest is not."""

    code = models.CharField(_("verificatiecode"), max_length=20, unique=True)
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.SET_NULL, null=True, blank=True, related_name="certificate"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_certificates",
    )
    learner_name = models.CharField(_("naam"), max_length=150)
    course_title = models.CharField(_("cursus"), max_length=255)
    training_hours = models.DecimalField(_("vormingsuren"), max_digits=4, decimal_places=1)
    issued_at = models.DateTimeField(_("uitgereikt op"), default=timezone.now)
    expires_at = models.DateTimeField(_("geldig tot"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    revocation_reason = models.CharField(_("reden van intrekking"), max_length=200, blank=True)
    # The certificate's bit in the Open Badges revocation lists (list = index // list size).
    # Drawn at random, so a position says nothing about when or in which order it was issued.
    status_list_index = models.PositiveIntegerField(
        _("plaats in de statuslijst"), null=True, blank=True, unique=True, editable=False
    )

    class Status(models.TextChoices):
        VALID = "valid", _("Geldig")
        EXPIRED = "expired", _("Verlopen")
        REVOKED = "revoked", _("Ingetrokken")

    class Meta:
        verbose_name = _("attest")
        verbose_name_plural = _("attesten")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.code

    def status(self, at: datetime | None = None) -> str:
        at = at or timezone.now()
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at is not None and self.expires_at <= at:
            return self.Status.EXPIRED
        return self.Status.VALID

    @property
    def status_label(self) -> str:
        """The status now, in words. ``status`` is a method (it takes a moment), so Django's
        ``get_status_display`` does not exist here and templates rendered nothing."""
        return str(self.Status(self.status()).label)
