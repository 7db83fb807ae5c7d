"""Every page type a visitor can reach, built from the real demo content, for the browser tests
of the quick exit and of reflow (issue 16, items 3 and 7).

Why enumerate the Wagtail models instead of listing paths: a page type added later without a
demo page makes ``page_types`` fail, so it cannot slip past the 320 px and axe checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import Client
from wagtail.models import Locale, Page, get_page_models

from content.demo_site import ensure_demo_site
from content.models import SiteContactSettings

APPS = ("content", "training")
# Page models a learner sees only when enrolled: visited signed in.
LEARNER_MODELS = ("LessonPage", "QuizPage")


@dataclass(frozen=True)
class PageType:
    name: str
    path: str
    signed_in: bool = False


def build_world(neutral_url: str) -> tuple[list[PageType], Any]:
    """The demo site and training, a learner with an attempt and a certificate; returns the
    page types and the learner. ``neutral_url`` becomes the quick-exit target."""
    from content.training.demo import ensure_demo_training
    from content.training.models import CoursePage, LessonPage, QuizPage
    from content.training.services.certificates import certificate_issue
    from content.training.services.learning import enrolment_create, lesson_complete
    from content.training.services.quizzes import attempt_start
    from portal.accounts.models import User

    # Transactional tests flush the tables, Wagtail's root page and default locale included.
    locale, _ = Locale.objects.get_or_create(language_code="nl-be")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    ensure_demo_site()
    ensure_demo_training()
    settings = SiteContactSettings.objects.get()
    settings.quick_exit_url = neutral_url
    settings.save()

    learner = User.objects.create_user(
        email="lerner@test.example", password="een-lang-test-wachtwoord-42", full_name="Lene Lerner"
    )
    quiz = QuizPage.objects.live().first()
    course = CoursePage.objects.ancestor_of(quiz).get()
    enrolment = enrolment_create(user=learner, course=course)
    for lesson in LessonPage.objects.live().child_of(course).filter(path__lt=quiz.path):
        lesson_complete(user=learner, lesson=lesson)
    attempt = attempt_start(user=learner, quiz=quiz)
    certificate = certificate_issue(enrolment=enrolment)

    types: list[PageType] = []
    for model in get_page_models():
        if model._meta.app_label not in APPS or model._meta.abstract:
            continue
        page = model.objects.live().filter(locale=locale).first()
        assert page is not None, f"{model.__name__} has no demo page: add one to the demo content"
        if model is LessonPage:
            page = LessonPage.objects.live().child_of(course).first()
        elif model is QuizPage:
            page = quiz
        types.append(PageType(model.__name__, page.url, model.__name__ in LEARNER_MODELS))
    types += [
        PageType("English home", "/en/"),
        PageType("search", "/zoeken/?q=partnergeweld"),
        PageType("404", "/bestaat-niet/"),
        PageType("sign-in", "/account/aanmelden/"),
        PageType("sign-up", "/account/registreren/"),
        PageType("password reset", "/account/wachtwoord-vergeten/"),
        PageType("certificate lookup", "/certificaat/"),
        PageType("certificate verification", f"/certificaat/{certificate.code}/"),
        PageType("session list", "/vorming/sessies/"),
        PageType("attempt", f"/vorming/pogingen/{attempt.pk}/", signed_in=True),
        PageType("certificate", f"/vorming/certificaten/{certificate.code}/", signed_in=True),
        PageType("learner dashboard", "/vorming/mijn/", signed_in=True),
    ]
    return types, learner


def sign_in(context: Any, base_url: str, user: Any) -> None:
    """Give a browser context the session of ``user`` (a learner needs no second factor)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["vh_session"]
    context.add_cookies([{"name": "vh_session", "value": cookie.value, "url": base_url}])
