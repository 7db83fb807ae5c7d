"""Learner pages outside the page tree: enrol, complete a lesson, take a quiz, my training."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import LearnerProfileForm, QuizAttemptForm
from ..models import CoursePage, LearnerProfile, LessonPage, QuizPage
from ..selectors import (
    attempt_for_learner,
    course_progress_for,
    dashboard_for,
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


def _next_step_url(course: CoursePage, user: Any) -> str:
    progress = course_progress_for(course=course, user=user)
    step = progress.resume_step
    return step.page.url if step else course.url


@require_POST
@learner_required
def enrol(request: HttpRequest, course_id: int) -> HttpResponse:
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        enrolment_create(user=request.user, course=course)
    except TrainingError as error:
        messages.error(request, error.message)
        return redirect(course.url)
    messages.success(request, _("U bent ingeschreven. Veel leerplezier!"))
    return redirect(_next_step_url(course, request.user))


@require_POST
@learner_required
def complete_lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
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


@require_POST
@learner_required
def start_quiz(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
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


@learner_required
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    from ..services.quizzes import is_correct

    current = attempt_for_learner(user=request.user, attempt_id=attempt_id)
    if current is None or current.submitted_at is None:
        raise Http404
    feedback = []
    for number, question in enumerate(current.questions, start=1):
        answer = current.answers.get(question["id"])
        item = {"number": number, "question": question, "correct": is_correct(question, answer)}
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
    current = LearnerProfile.objects.filter(user=request.user).first()
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
