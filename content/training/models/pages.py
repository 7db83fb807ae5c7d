"""The training catalogue as Wagtail pages: index → course → lessons and quizzes.

Lesson and quiz pages are served only to enrolled learners (``serve`` asks the selectors), so
progress, sequential locking and resume all have one home (``services.learning``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from ..blocks import LessonStreamBlock, QuestionStreamBlock
from ..nav import public_nav

# Paths that ``content/training/urls.py`` serves under the index (/vorming/<slug>/): a course
# with one of these slugs would be hidden by them.
RESERVED_COURSE_SLUGS = frozenset(
    {
        "mijn",
        "profiel",
        "cursussen",
        "lessen",
        "toetsen",
        "pogingen",
        "certificaten",
        "sessies",
        "inschrijving",
        "rapport",
    }
)


class TrainingIndexPage(Page):
    """The catalogue: every published course, and a link to the sessions."""

    # One catalogue, hung under the site's home page; it holds courses only.
    parent_page_types = ["content.HomePage"]
    subpage_types = ["training.CoursePage"]
    max_count = 1

    intro = RichTextField(_("inleiding"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("vormingsaanbod")

    def get_template(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        return "training/training_index_page.html"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from ..selectors import catalogue_for

        context = super().get_context(request, *args, **kwargs)
        context.update(public_nav())
        context["courses"] = catalogue_for(index=self, user=request.user)
        return context


class CoursePage(Page):
    """A course: what it is for, whom for, how long; lessons and quizzes are its children."""

    # Courses live in the catalogue only; a course holds its own lessons and quizzes.
    parent_page_types = ["training.TrainingIndexPage"]
    subpage_types = ["training.LessonPage", "training.QuizPage"]

    summary = models.CharField(_("korte omschrijving"), max_length=300)
    audience = models.CharField(_("doelgroep"), max_length=300)
    duration = models.CharField(_("duur"), max_length=100, help_text=_("Bv. 'ongeveer 2 uur'"))
    training_hours = models.DecimalField(
        _("vormingsuren"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    learning_objectives = RichTextField(_("leerdoelen"), features=["ul", "bold", "italic"])
    prerequisites = models.TextField(_("voorkennis"), blank=True)
    content_warning = models.TextField(
        _("inhoudswaarschuwing"),
        blank=True,
        help_text=_("Bv. dat de cursus over geweld tegen kinderen gaat, met waar men terecht kan."),
    )
    sequential = models.BooleanField(
        _("lessen in volgorde"),
        default=False,
        help_text=_("Een les of toets opent pas als de vorige voltooid is."),
    )
    certificate_valid_months = models.PositiveSmallIntegerField(
        _("attest geldig (maanden)"),
        null=True,
        blank=True,
        help_text=_("Leeg laten: het attest verloopt niet."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("duration"),
                FieldPanel("training_hours"),
                FieldPanel("prerequisites"),
            ],
            heading=_("Praktisch"),
        ),
        FieldPanel("learning_objectives"),
        FieldPanel("content_warning"),
        MultiFieldPanel(
            [FieldPanel("sequential"), FieldPanel("certificate_valid_months")],
            heading=_("Verloop en attest"),
        ),
    ]

    class Meta:
        verbose_name = _("cursus")
        verbose_name_plural = _("cursussen")

    def clean(self) -> None:
        super().clean()
        if self.slug in RESERVED_COURSE_SLUGS:
            raise ValidationError({"slug": _("Deze naam is voorbehouden; kies een andere slug.")})

    def get_template(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        return "training/course_page.html"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from ..selectors import course_progress_for

        context = super().get_context(request, *args, **kwargs)
        context.update(public_nav())
        context["progress"] = course_progress_for(course=self, user=request.user)
        return context


class _CourseStepPage(Page):
    """Shared behaviour of lessons and quizzes: only enrolled learners, in order if required."""

    class Meta:
        abstract = True

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from ..selectors import course_progress_for
        from ..services.learning import enrolment_record_visit

        course = self.get_parent().specific
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={self.url}")
        progress = course_progress_for(course=course, user=request.user)
        if progress.enrolment is None:
            from django.contrib import messages

            messages.info(request, _("Schrijf u eerst in voor deze cursus."))
            return redirect(course.url)
        step = progress.step_for(self.pk)
        if step is None or step.locked:
            from django.contrib import messages

            messages.info(request, _("Rond eerst de vorige onderdelen af."))
            return redirect(course.url)
        enrolment_record_visit(enrolment=progress.enrolment, page=self)
        request.training_progress = progress
        request.training_step = step
        return super().serve(request, *args, **kwargs)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context.update(public_nav())
        context["progress"] = getattr(request, "training_progress", None)
        context["step"] = getattr(request, "training_step", None)
        context["course"] = context["progress"].course if context["progress"] else None
        return context


def _login_url() -> str:
    from django.conf import settings
    from django.shortcuts import resolve_url

    return resolve_url(settings.LOGIN_URL)


class LessonPage(_CourseStepPage):
    """One lesson: text, video, documents, case vignettes, reflection questions."""

    # A lesson belongs to exactly one course and has no children.
    parent_page_types = ["training.CoursePage"]
    subpage_types: list[str] = []

    body = StreamField(LessonStreamBlock(), verbose_name=_("inhoud"))

    content_panels = [*Page.content_panels, FieldPanel("body")]

    class Meta:
        verbose_name = _("les")
        verbose_name_plural = _("lessen")

    def get_template(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        return "training/lesson_page.html"


class QuizPage(_CourseStepPage):
    """A quiz: a pool of questions, drawn and shuffled per attempt, with a pass mark."""

    # A quiz belongs to exactly one course and has no children.
    parent_page_types = ["training.CoursePage"]
    subpage_types: list[str] = []

    intro = RichTextField(_("inleiding"), blank=True, features=["bold", "italic", "ul"])
    questions = StreamField(QuestionStreamBlock(), verbose_name=_("vragenpool"))
    pass_mark = models.PositiveSmallIntegerField(
        _("slaaggrens (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    questions_per_attempt = models.PositiveSmallIntegerField(
        _("vragen per poging"),
        null=True,
        blank=True,
        help_text=_("Leeg laten: alle vragen uit de pool. Ze worden per poging geschud."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum aantal pogingen"),
        null=True,
        blank=True,
        help_text=_("Leeg laten: onbeperkt."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("questions_per_attempt"),
                FieldPanel("max_attempts"),
            ],
            heading=_("Instellingen"),
        ),
        FieldPanel("questions"),
    ]

    class Meta:
        verbose_name = _("toets")
        verbose_name_plural = _("toetsen")

    def clean(self) -> None:
        super().clean()
        pool = len(self.questions or [])
        if self.questions_per_attempt and pool and self.questions_per_attempt > pool:
            raise ValidationError(
                {
                    "questions_per_attempt": _("Er staan maar %(count)s vragen in de pool.")
                    % {"count": pool}
                }
            )

    def get_template(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        return "training/quiz_page.html"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from ..selectors import attempts_for

        context = super().get_context(request, *args, **kwargs)
        progress = context["progress"]
        context["attempts"] = (
            attempts_for(enrolment=progress.enrolment, quiz=self) if progress else []
        )
        context["attempts_left"] = (
            None
            if self.max_attempts is None
            else max(self.max_attempts - len(context["attempts"]), 0)
        )
        return context
