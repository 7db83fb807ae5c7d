"""A learner's rights over their training records: a copy of them (GDPR art. 15 and 20) and
their erasure (art. 17) when the account is deleted.

Which training models hold a learner's rows is computed, not listed by hand: from the user
model, the relations of every concrete model of this app are followed backwards (a lesson
completion belongs to an enrolment, which belongs to the user), so a new model with a path to
the user is found at once; ``TREATMENT`` and ``EXPORT_SECTIONS`` must then say what happens to
it, and a test fails until they do. Wagtail pages are left out of the walk: a page's owner is
an editor, not a learner.

Peer-support registrations carry no account (by design, ``services.sessions``): they are in
neither the copy nor the erasure, and end with their own retention period.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from portal.accounts.rights_registry import CertificateChoice, ErasureReport

from ..final_records import allow_name_erasure, record_erased
from ..models import (
    ACTIVE,
    Certificate,
    Enrolment,
    LearnerProfile,
    LessonCompletion,
    QuizAttempt,
    SessionRegistration,
)

APP_LABEL = "training"
USER_LABEL = "accounts.User"

# What a kept certificate says instead of the name (the public verification page shows it).
NAME_REMOVED = gettext_lazy("Naam verwijderd op verzoek")
REVOKED_ON_REQUEST = gettext_lazy("Ingetrokken op verzoek van de houder")


class Treatment(StrEnum):
    DELETE = "delete"
    CERTIFICATE = "certificate"  # kept without the name and the account, or revoked


# Every training model with a path to the user, and what erasure does to its rows.
TREATMENT: dict[str, Treatment] = {
    "training.LearnerProfile": Treatment.DELETE,
    "training.Enrolment": Treatment.DELETE,
    "training.LessonCompletion": Treatment.DELETE,
    "training.QuizAttempt": Treatment.DELETE,
    "training.SessionRegistration": Treatment.DELETE,
    "training.Certificate": Treatment.CERTIFICATE,
}

# Where each of those models appears in the copy (the key of its section).
EXPORT_SECTIONS: dict[str, str] = {
    "training.LearnerProfile": "profile",
    "training.Enrolment": "enrolments",
    "training.LessonCompletion": "enrolments",
    "training.QuizAttempt": "enrolments",
    "training.Certificate": "certificates",
    "training.SessionRegistration": "registrations",
}


# --- Discovery ------------------------------------------------------------------------------


def learner_linked_models(
    candidates: Iterable[type[models.Model]] | None = None,
) -> dict[str, list[str]]:
    """Every model among ``candidates`` (default: this app's concrete models, pages excepted)
    with a chain of foreign keys to the user, and the ORM lookups of those chains
    (``"enrolment__user"``). Breadth first, so the shortest chains come first; a model reached
    along two chains (a certificate: its user, its enrolment's user) gets both."""
    if candidates is None:
        candidates = [
            m
            for m in apps.get_app_config(APP_LABEL).get_models()
            if not issubclass(m, Page) and not m._meta.abstract
        ]
    pool = {m._meta.label: m for m in candidates}
    paths: dict[str, list[str]] = {USER_LABEL: [""]}
    queue = deque([USER_LABEL])
    while queue:
        target = queue.popleft()
        for label, model in pool.items():
            for f in model._meta.concrete_fields:
                if not (f.many_to_one or f.one_to_one) or f.related_model is None:
                    continue
                related = f.related_model
                if (related if isinstance(related, str) else related._meta.label) != target:
                    continue
                new = [f"{f.name}__{p}" if p else f.name for p in paths[target]]
                known = paths.setdefault(label, [])
                added = [p for p in new if p not in known and p.count("__") < 6]
                if added:
                    known.extend(added)
                    queue.append(label)
    paths.pop(USER_LABEL)
    return paths


def rows_of(user: Any, label: str, paths: list[str]) -> models.QuerySet:
    """The rows of ``label`` that belong to ``user`` along any of ``paths``."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{path: user})
    return apps.get_model(label)._default_manager.filter(condition)


# --- The copy -------------------------------------------------------------------------------


def _when(value: Any) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _yes_no(value: bool | None) -> str:
    if value is None:
        return _("niet geregistreerd")
    return _("ja") if value else _("nee")


def _label(model: type[models.Model], name: str) -> str:
    """A field's Dutch verbose name, capitalised, as the key in the copy."""
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _section(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name_plural).capitalize()


def _answer_texts(question: dict[str, Any], answer: Any) -> list[str]:
    if question["type"] == "ordering":
        if not isinstance(answer, dict):
            return []
        texts = {item["key"]: item["text"] for item in question.get("items", [])}
        order = sorted(answer, key=lambda key: int(answer[key]))
        return [texts[key] for key in order if key in texts]
    chosen = answer if isinstance(answer, list) else [answer]
    return [o["text"] for o in question.get("options", []) if o["key"] in chosen]


def _attempt(attempt: QuizAttempt) -> dict[str, Any]:
    from .quizzes import is_correct

    questions = []
    submitted = attempt.submitted_at is not None
    for number, question in enumerate(attempt.questions, start=1):
        answer = attempt.answers.get(question["id"])
        item: dict[str, Any] = {
            _("Vraag"): number,
            _("Vraagstelling"): question.get("prompt", ""),
            _("Uw antwoord"): _answer_texts(question, answer),
        }
        if submitted:
            item[_("Juist beantwoord")] = _yes_no(is_correct(question, answer))
        questions.append(item)
    return {
        _("Toets"): attempt.quiz.title,
        _("Poging"): attempt.number,
        _("Begonnen op"): _when(attempt.started_at),
        _("Ingediend op"): _when(attempt.submitted_at),
        _("Score (procent)"): attempt.score,
        _("Nodig om te slagen (procent)"): attempt.pass_mark,
        _("Geslaagd"): _yes_no(attempt.passed) if submitted else _("nog niet ingediend"),
        _("Vragen en antwoorden"): questions,
    }


def _account(user: Any) -> dict[str, Any]:
    from django_otp import devices_for_user

    model = user._meta.model  # request.user is a lazy wrapper
    return {
        _label(model, "full_name"): user.full_name,
        _label(model, "email"): user.email,
        _label(model, "preferred_language"): user.get_preferred_language_display(),
        _label(model, "origin"): user.get_origin_display(),
        _label(model, "email_verified_at"): _when(user.email_verified_at),
        _label(model, "date_joined"): _when(user.date_joined),
        _("Laatst aangemeld op"): _when(user.last_login),
        _("Tweestapsverificatie"): _yes_no(any(devices_for_user(user, confirmed=True))),
    }


def learner_export(*, user: Any, verify_url: Any = None) -> dict[str, Any]:
    """Everything the training part holds about ``user``, with Dutch keys and words instead of
    codes. ``verify_url(code)`` gives a certificate's public verification address."""
    profile = LearnerProfile.objects.filter(user=user).select_related("organisation").first()
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("course", "last_page")
        .order_by("enrolled_at", "pk")
    )
    completions: dict[int, list[LessonCompletion]] = {}
    for completion in (
        LessonCompletion.objects.filter(enrolment__user=user)
        .select_related("lesson")
        .order_by("completed_at", "pk")
    ):
        completions.setdefault(completion.enrolment_id, []).append(completion)
    attempts: dict[int, list[QuizAttempt]] = {}
    for attempt in (
        QuizAttempt.objects.filter(enrolment__user=user)
        .select_related("quiz")
        .order_by("quiz_id", "number")
    ):
        attempts.setdefault(attempt.enrolment_id, []).append(attempt)
    certificates = list(
        Certificate.objects.filter(Q(user=user) | Q(enrolment__user=user)).order_by("issued_at")
    )
    registrations = list(
        SessionRegistration.objects.filter(user=user)
        .select_related("session")
        .order_by("created_at", "pk")
    )

    def certificate(c: Certificate) -> dict[str, Any]:
        data = {
            _label(Certificate, "code"): c.code,
            _label(Certificate, "learner_name"): c.learner_name,
            _label(Certificate, "course_title"): c.course_title,
            _label(Certificate, "training_hours"): str(c.training_hours),
            _label(Certificate, "issued_at"): _when(c.issued_at),
            _label(Certificate, "expires_at"): _when(c.expires_at),
            _label(Certificate, "revoked_at"): _when(c.revoked_at),
            _label(Certificate, "revocation_reason"): c.revocation_reason,
            _("Status"): str(Certificate.Status(c.status()).label),
        }
        if verify_url is not None:
            data[_("Controleren op")] = verify_url(c.code)
        return data

    def registration(r: SessionRegistration) -> dict[str, Any]:
        session = r.session
        return {
            _("Sessie"): session.title,
            _("Soort"): session.get_kind_display(),
            _("Begint op"): _when(session.starts_at),
            _("Eindigt op"): _when(session.ends_at),
            _("Plaats"): session.location,
            _label(SessionRegistration, "display_name"): r.display_name,
            _label(SessionRegistration, "email"): r.email,
            _("Status"): r.get_status_display(),
            _("Ingeschreven op"): _when(r.created_at),
            _("Aanbod geldig tot"): _when(r.offer_expires_at),
            _("Aanwezig"): _yes_no(r.attended),
            _("Herinnering verstuurd op"): _when(r.reminder_sent_at),
        }

    def enrolment(e: Enrolment) -> dict[str, Any]:
        return {
            _("Cursus"): e.course.title,
            _("Ingeschreven op"): _when(e.enrolled_at),
            _("Laatst bezochte pagina"): e.last_page.title if e.last_page else None,
            _("Laatst bezocht op"): _when(e.last_visited_at),
            _("Voltooid op"): _when(e.completed_at),
            _("Voltooide lessen"): [
                {_("Les"): c.lesson.title, _("Voltooid op"): _when(c.completed_at)}
                for c in completions.get(e.pk, [])
            ],
            _("Toetspogingen"): [_attempt(a) for a in attempts.get(e.pk, [])],
        }

    return {
        _("Over dit bestand"): _(
            "Uw gegevens in het vormingsaanbod van Veilig Huis, zoals het portaal ze bewaart."
        ),
        _("Gemaakt op"): _when(timezone.now()),
        _("Account"): _account(user),
        _section(LearnerProfile): {
            _label(LearnerProfile, "organisation"): (
                profile.organisation.name if profile and profile.organisation else None
            ),
            _("Bijgewerkt op"): _when(profile.updated_at) if profile else None,
        },
        _section(Enrolment): [enrolment(e) for e in enrolments],
        _section(Certificate): [certificate(c) for c in certificates],
        _section(SessionRegistration): [registration(r) for r in registrations],
    }


# --- Erasure --------------------------------------------------------------------------------


def learner_erase(*, user: Any, certificates: CertificateChoice) -> ErasureReport:
    """Delete every training row of ``user``; certificates stay verifiable without the name
    (``KEEP``) or are revoked (``REVOKE``), and lose their link to the account either way.

    Runs inside the caller's transaction (the account erasure around it). Rows are deleted with
    django-auditlog switched off: a deletion record would copy the row's name into the history
    being scrubbed. Registrations that hold a place are cancelled first, so the waitlist moves
    up as after any cancellation.
    """
    from auditlog.context import disable_auditlog

    from .sessions import registration_cancel

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("learner_erase runs inside the account erasure's transaction")
    linked = learner_linked_models()
    unknown = sorted(set(linked) - set(TREATMENT))
    if unknown:  # fail closed: a new model with the learner's rows needs a decision first
        raise RuntimeError(f"No erasure treatment for {', '.join(unknown)}")
    report = ErasureReport()
    for label, paths in linked.items():
        report.touched[label] = list(rows_of(user, label, paths).values_list("pk", flat=True))

    for registration in SessionRegistration.objects.filter(user=user, status__in=ACTIVE):
        registration_cancel(registration=registration)

    now = timezone.now()
    mine = rows_of(user, "training.Certificate", linked["training.Certificate"])
    values: dict[str, Any] = {"learner_name": str(NAME_REMOVED), "user": None, "enrolment": None}
    if certificates == CertificateChoice.REVOKE:
        report.certificates_revoked = mine.count()
        mine.filter(revoked_at__isnull=True).update(
            revoked_at=now, revocation_reason=str(REVOKED_ON_REQUEST)
        )
    else:
        report.certificates_kept = mine.count()
    # A queryset update sends no signals, so no history entry repeats the old name. The name
    # is the one part of an issued certificate that may change, here only (final_records).
    allow_name_erasure()
    Certificate.objects.filter(pk__in=report.touched["training.Certificate"]).update(**values)
    record_erased(report.touched["training.Certificate"])

    with disable_auditlog():
        # Deepest first, so a cascade never deletes a row before it is counted.
        for label in sorted(linked, key=lambda name: -min(p.count("__") for p in linked[name])):
            if TREATMENT[label] != Treatment.DELETE:
                continue
            count = rows_of(user, label, linked[label]).count()
            if count:
                report.deleted[label] = count
        for label in sorted(linked, key=lambda name: min(p.count("__") for p in linked[name])):
            if TREATMENT[label] == Treatment.DELETE:
                rows_of(user, label, linked[label]).delete()
    return report


class TrainingRecords:
    """The training part of a person's data, for the account pages of the ground floor
    (``portal.accounts.rights_registry``); registered from ``TrainingConfig.ready()``."""

    def export(self, *, user: Any, absolute_url: Callable[[str], str]) -> dict[str, Any]:
        def verify_url(code: str) -> str:
            return absolute_url(reverse("training:certificate_verify", args=[code]))

        return learner_export(user=user, verify_url=verify_url)

    def certificate_count(self, *, user: Any) -> int:
        return Certificate.objects.filter(user=user).count()

    def erase(self, *, user: Any, certificates: CertificateChoice) -> ErasureReport:
        return learner_erase(user=user, certificates=certificates)
