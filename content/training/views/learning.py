"""Learner pages outside the page tree: enrol, complete a lesson, take a quiz, my training."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from ..forms import LearnerProfileForm, QuizAttemptForm
from ..selectors import (
    attempt_for_learner,
    course_progress_for,
    dashboard_for,
    learner_profile_of,
    live_course,
    live_lesson,
    live_quiz,
    managed_organisations,
)
from ..services.learning import (
    TrainingError,
    enrolment_create,
    learner_profile_update,
    lesson_complete,
)
from ..services.quizzes import attempt_start, attempt_submit

View = Callable[..., HttpResponse]


def learner_required(view: View) -> View:
    """Signed in, and for self-registered accounts the e-mail address confirmed."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.origin == user.Origin.SIGNUP and user.email_verified_at is None:
            return redirect("accounts:signup_check_email")
        return view(request, *args, **kwargs)

    return wrapper


def _next_step_url(course: Any, user: Any) -> str:
    progress = course_progress_for(course=course, user=user)
    step = progress.resume_step
    return step.page.url if step else course.url


@require_http_methods(["GET", "HEAD", "POST"])
@learner_required
def enrol(request: HttpRequest, course_id: int) -> HttpResponse:
    """Enrol on POST. A GET is where a learner lands after signing in (``next`` of the login
    redirect, from the course page's button or from a form posted while signed out), so it
    answers with a one-click confirmation, or the next step if already enrolled, never 405."""
    course = live_course(course_id)
    if course is None:
        raise Http404
    if request.method != "POST":
        progress = course_progress_for(course=course, user=request.user)
        if progress.enrolment is not None:
            return redirect(_next_step_url(course, request.user))
        first_step = progress.steps[0].page if progress.steps else None
        return render(
            request,
            "training/enrol_confirm.html",
            {"course": course, "first_step": first_step},
        )
    try:
        enrolment_create(user=request.user, course=course)
    except TrainingError as error:
        messages.error(request, error.message)
        return redirect(course.url)
    messages.success(request, _("U bent ingeschreven. Veel leerplezier!"))
    return redirect(_next_step_url(course, request.user))


@require_http_methods(["GET", "HEAD", "POST"])
@learner_required
def complete_lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Mark a lesson done on POST. A GET (the sign-in's ``next`` after a session ran out while
    the lesson was open) goes back to the lesson, whose button then works: never 405."""
    lesson = live_lesson(lesson_id)
    if lesson is None:
        raise Http404
    if request.method != "POST":
        return redirect(lesson.url)
    course = lesson.get_parent().specific
    try:
        enrolment = lesson_complete(user=request.user, lesson=lesson)
    except TrainingError as error:
        messages.error(request, error.message)
        return redirect(course.url)
    if enrolment.completed_at:
        messages.success(request, _("Proficiat, u hebt de cursus voltooid. Uw attest staat klaar."))
        return redirect(course.url)
    messages.success(request, _("Les voltooid."))
    return redirect(_next_step_url(course, request.user))


@require_http_methods(["GET", "HEAD", "POST"])
@learner_required
def start_quiz(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Start an attempt on POST; a GET (after signing in again) goes back to the quiz page,
    which has the start button: never 405."""
    quiz = live_quiz(quiz_id)
    if quiz is None:
        raise Http404
    if request.method != "POST":
        return redirect(quiz.url)
    try:
        attempt = attempt_start(user=request.user, quiz=quiz)
    except TrainingError as error:
        messages.error(request, error.message)
        return redirect(quiz.url)
    return redirect("training:attempt", attempt_id=attempt.pk)


@learner_required
def attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    current = attempt_for_learner(user=request.user, attempt_id=attempt_id)
    if current is None:
        raise Http404
    if current.submitted_at is not None:
        return redirect("training:attempt_result", attempt_id=current.pk)
    form = QuizAttemptForm(request.POST or None, questions=current.questions)
    if request.method == "POST" and form.is_valid():
        try:
            graded = attempt_submit(attempt=current, answers=form.answers())
        except TrainingError as error:
            messages.error(request, error.message)
        else:
            return redirect("training:attempt_result", attempt_id=graded.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "training/attempt.html",
        {"attempt": current, "quiz": current.quiz, "form": form},
        status=status,
    )


def _quoted(texts: list[str], *, ordered: bool = False) -> str:
    """„A”, „B” en „C” (an order reads „A”, „B”, „C”: "en" would hide that it is a sequence)."""
    quoted = [f"„{text}”" for text in texts]
    if ordered or len(quoted) < 2:
        return ", ".join(quoted)
    return _("%(first)s en %(last)s") % {"first": ", ".join(quoted[:-1]), "last": quoted[-1]}


def feedback_sentence(question: dict[str, Any], answer: Any, correct: bool) -> str:
    """What the learner answered and, when wrong, the right answer, as one Dutch sentence.

    The verdict ("Goed." / "Niet goed.") is rendered apart; it never uses "juist", because
    the answers of a true/false question are themselves "Juist" and "Niet juist" and the old
    "Niet juist. Uw antwoord: Niet juist" read as a contradiction."""
    kind = question["type"]
    if kind == "ordering":
        texts = {item["key"]: item["text"] for item in question["items"]}
        chosen_keys = sorted(answer or {}, key=lambda key: int(answer[key]))
        chosen = [texts[key] for key in chosen_keys if key in texts]
        right = [texts[key] for key in question["correct_order"] if key in texts]
        if correct:
            return _("U zette de stappen in de juiste volgorde: %(order)s.") % {
                "order": _quoted(right, ordered=True)
            }
        if not chosen:
            return _("U gaf geen volgorde; de juiste volgorde is %(right)s.") % {
                "right": _quoted(right, ordered=True)
            }
        return _("U koos de volgorde %(chosen)s; de juiste volgorde is %(right)s.") % {
            "chosen": _quoted(chosen, ordered=True),
            "right": _quoted(right, ordered=True),
        }
    chosen_keys = answer if isinstance(answer, list) else [answer]
    chosen = [o["text"] for o in question["options"] if o["key"] in chosen_keys]
    right = [o["text"] for o in question["options"] if o["correct"]]
    right_part = ngettext(
        "het juiste antwoord is %(right)s",
        "de juiste antwoorden zijn %(right)s",
        len(right),
    ) % {"right": _quoted(right)}
    if not chosen:
        return _("U gaf geen antwoord; %(right)s.") % {"right": right_part}
    if kind == "multiple_choice":
        if correct:
            return _("U koos %(chosen)s.") % {"chosen": _quoted(chosen)}
        return _("U koos %(chosen)s; %(right)s.") % {
            "chosen": _quoted(chosen),
            "right": right_part,
        }
    if correct:
        return _("U antwoordde %(chosen)s.") % {"chosen": _quoted(chosen)}
    return _("U antwoordde %(chosen)s; %(right)s.") % {
        "chosen": _quoted(chosen),
        "right": right_part,
    }


@learner_required
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    from ..services.quizzes import is_correct

    current = attempt_for_learner(user=request.user, attempt_id=attempt_id)
    if current is None or current.submitted_at is None:
        raise Http404
    feedback = []
    for number, question in enumerate(current.questions, start=1):
        answer = current.answers.get(question["id"])
        correct = is_correct(question, answer)
        item = {
            "number": number,
            "question": question,
            "correct": correct,
            "verdict": _("Goed.") if correct else _("Niet goed."),
            "sentence": feedback_sentence(question, answer, correct),
        }
        if question["type"] == "ordering":
            order = sorted(answer or {}, key=lambda key: int(answer[key]))
            texts = {i["key"]: i["text"] for i in question["items"]}
            item["chosen"] = [texts[key] for key in order if key in texts]
            item["feedback"] = [
                question["feedback_correct"] if item["correct"] else question["feedback_incorrect"]
            ]
        else:
            chosen_keys = answer if isinstance(answer, list) else [answer]
            chosen = [o for o in question["options"] if o["key"] in chosen_keys]
            item["chosen"] = [o["text"] for o in chosen]
            item["feedback"] = [o["feedback"] for o in chosen if o["feedback"]]
        feedback.append(item)
    course = current.quiz.get_parent().specific
    progress = course_progress_for(course=course, user=request.user)
    return render(
        request,
        "training/attempt_result.html",
        {
            "attempt": current,
            "quiz": current.quiz,
            "feedback": feedback,
            "progress": progress,
            "next_step": progress.resume_step,
        },
    )


@learner_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "training/dashboard.html",
        {
            "dashboard": dashboard_for(user=request.user),
            "manages_learners": bool(managed_organisations(request.user)),
        },
    )


@learner_required
def profile(request: HttpRequest) -> HttpResponse:
    current = learner_profile_of(request.user)
    initial = {"organisation": current.organisation_id if current else None}
    form = LearnerProfileForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            learner_profile_update(
                user=request.user, organisation=form.cleaned_data["organisation"]
            )
            messages.success(request, _("Uw gegevens zijn bewaard."))
            return redirect("training:dashboard")
        return render(request, "training/profile.html", {"form": form}, status=400)
    return render(request, "training/profile.html", {"form": form})
