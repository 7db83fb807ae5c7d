"""A learner's rights from "Mijn account": the download holds their training data and nobody
else's, with Dutch keys; deletion erases or anonymises every row that leads to them (found by
walking relations, not listed here), certificates keep verifying without the name or show as
revoked, and the refusals (members, staff, editors, a wrong password or code) change nothing."""

# ruff: noqa: DJ008  (throw-away models need no __str__)

from __future__ import annotations

import json
from collections import deque
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import models
from django.db.models import Q
from django.test import Client
from django.test.utils import isolate_apps
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Page

from collaboration.models import Organisation, Role
from content.training.models import (
    Certificate,
    CoursePage,
    Enrolment,
    LearnerProfile,
    LessonPage,
    QuizAttempt,
    QuizPage,
    RegistrationStatus,
)
from content.training.services.rights import (
    EXPORT_SECTIONS,
    TREATMENT,
    learner_linked_models,
)
from content.training.services.sessions import registration_create
from portal.accounts.erasure import ERASED_DOMAIN
from portal.accounts.models import User
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from tests.factories.courses import answers_for
from tests.factories.organisations import MembershipFactory, OrganisationFactory
from tests.factories.people import PASSWORD, totp_code

pytestmark = pytest.mark.django_db

NAME = "Fien Fictief"
EMAIL = "lerende@test.example"


# --- helpers ----------------------------------------------------------------------------------


def _complete(client: Client, course: Any, *, fail_first: bool = True) -> None:
    """Enrol, do every lesson and pass the quiz (after a failed attempt) through the views."""
    client.post(reverse("training:enrol", args=[course.pk]))
    for lesson in LessonPage.objects.child_of(course).live():
        client.post(reverse("training:complete_lesson", args=[lesson.pk]))
    quiz = QuizPage.objects.child_of(course).get()
    for right in [False, True] if fail_first else [True]:
        client.post(reverse("training:start_quiz", args=[quiz.pk]))
        attempt = QuizAttempt.objects.filter(quiz=quiz, submitted_at__isnull=True).latest("pk")
        client.post(
            reverse("training:attempt", args=[attempt.pk]), answers_for(attempt, right=right)
        )


@pytest.fixture
def organisation(db: Any) -> Organisation:
    return OrganisationFactory(
        name="CLB Fictief", kind="clb", sector="education", region="oost-vlaanderen"
    )


@pytest.fixture
def world(make_course, make_session, make_user, learner, learner_client, organisation) -> dict:
    """The learner with every kind of record; another learner with records of their own; and
    someone on the waitlist behind the learner."""
    course = make_course(lessons=2, title="Signalen van IFG herkennen")
    _complete(learner_client, course)
    LearnerProfile.objects.create(user=learner, organisation=organisation)
    session = make_session(capacity=1, title="Vorming meldcode")
    mine = registration_create(
        session_id=session.pk, display_name=NAME, email=learner.email, user=learner
    )
    other = make_user(
        email="ander@test.example",
        full_name="Omer Ander",
        origin=User.Origin.SIGNUP,
        email_verified_at=timezone.now(),
    )
    other_client = Client()
    other_client.force_login(other)
    _complete(other_client, course, fail_first=False)
    waiting = registration_create(
        session_id=session.pk, display_name="Omer Ander", email=other.email, user=other
    )
    assert mine.status == RegistrationStatus.CONFIRMED
    assert waiting.status == RegistrationStatus.WAITLISTED
    return {"course": course, "session": session, "other": other, "waiting": waiting}


def _paths_to_user(candidates: list[type[models.Model]]) -> dict[str, list[str]]:
    """The test's own walk (independent of the code under test): for every model, each chain of
    foreign keys that ends at the user."""
    found: dict[str, list[str]] = {}
    by_label = {m._meta.label: m for m in candidates}
    queue = deque((label, label, "") for label in by_label)
    while queue:
        origin, current, prefix = queue.popleft()
        if prefix.count("__") > 4:
            continue
        model = by_label.get(current) or apps.get_model(current)
        for f in model._meta.concrete_fields:
            if not (f.many_to_one or f.one_to_one):
                continue
            path = f"{prefix}__{f.name}" if prefix else f.name
            if f.related_model is User:
                found.setdefault(origin, []).append(path)
            elif f.related_model._meta.label in by_label:
                queue.append((origin, f.related_model._meta.label, path))
    return found


def _training_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_app_config("training").get_models()
        if not issubclass(m, Page) and not m._meta.abstract
    ]


def _text_values(row: Any) -> list[str]:
    values = []
    for f in row._meta.concrete_fields:
        value = getattr(row, f.attname)
        if isinstance(value, str):
            values.append(value)
        elif isinstance(value, (dict, list)):
            values.append(json.dumps(value, ensure_ascii=False))
    return values


def _erase(client: Client, **extra: str) -> Any:
    data = {"password": PASSWORD, "certificates": "keep", "confirm": "on", **extra}
    return client.post(reverse("accounts:erase"), data)


# --- discovery -----------------------------------------------------------------------------


def test_every_training_model_with_a_path_to_the_user_has_a_treatment_and_a_section() -> None:
    linked = learner_linked_models()
    assert set(linked) == set(_paths_to_user(_training_models()))
    assert set(linked) == set(TREATMENT) == set(EXPORT_SECTIONS)
    assert "enrolment__user" in linked["training.QuizAttempt"]
    assert set(linked["training.Certificate"]) == {"user", "enrolment__user"}


@isolate_apps("content.training")
def test_a_new_model_with_a_path_to_the_user_is_found() -> None:
    """Throw-away models: one linked through an enrolment, one through it again; one that
    points at a course only is not a learner's row."""

    class LessonNote(models.Model):
        enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE)

        class Meta:
            app_label = "training"

    class NoteReaction(models.Model):
        note = models.ForeignKey(LessonNote, on_delete=models.CASCADE)

        class Meta:
            app_label = "training"

    class CourseTag(models.Model):
        course = models.ForeignKey(CoursePage, on_delete=models.CASCADE)

        class Meta:
            app_label = "training"

    linked = learner_linked_models([*_training_models(), LessonNote, NoteReaction, CourseTag])
    assert linked["training.LessonNote"] == ["enrolment__user"]
    assert linked["training.NoteReaction"] == ["note__enrolment__user"]
    assert "training.CourseTag" not in linked
    assert {"training.LessonNote", "training.NoteReaction"} - set(TREATMENT)  # undecided


# --- the download --------------------------------------------------------------------------


def test_download_holds_own_data_with_dutch_keys_and_nobody_elses(
    world, learner, learner_client
) -> None:
    response = learner_client.get(reverse("accounts:data_json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    data = json.loads(text)

    assert data["Account"]["Volledige naam"] == NAME
    assert data["Account"]["E-mailadres"] == EMAIL
    assert data["Account"]["Herkomst van het account"] == "Zelf geregistreerd (vorming)"
    assert data["Profielen van lerenden"]["Organisatie"] == "CLB Fictief"
    [enrolment] = data["Inschrijvingen voor cursussen"]
    assert enrolment["Cursus"] == "Signalen van IFG herkennen"
    assert [lesson["Les"] for lesson in enrolment["Voltooide lessen"]] == ["Les 1", "Les 2"]
    attempts = enrolment["Toetspogingen"]
    assert [a["Geslaagd"] for a in attempts] == ["nee", "ja"]
    question = attempts[1]["Vragen en antwoorden"][0]
    assert question["Vraagstelling"] and question["Uw antwoord"]
    assert question["Juist beantwoord"] == "ja"
    [certificate] = data["Attesten"]
    own_code = Certificate.objects.get(user=learner).code
    assert certificate["Verificatiecode"] == own_code
    assert certificate["Status"] == "Geldig"
    assert certificate["Controleren op"].endswith(f"/certificaat/{own_code}/")
    [registration] = data["Inschrijvingen voor sessies"]
    assert registration["Status"] == "Ingeschreven"
    assert registration["Soort"] == "Vorming ter plaatse"

    # No raw codes, no secrets, nobody else.
    for raw in ('"confirmed"', '"in_person"', '"signup"', '"nl-be"', "link_nonce", '"correct"'):
        assert raw not in text
    assert "Omer Ander" not in text and "ander@test.example" not in text
    assert Certificate.objects.get(user=world["other"]).code not in text

    event = AuditEvent.objects.filter(action=AuditAction.LEARNER_DATA_DOWNLOADED).get()
    assert event.actor == learner and event.extra == {"format": "json"}


def test_readable_summary_is_an_escaped_attachment(world, learner, learner_client) -> None:
    learner.full_name = "Fien <b>Fictief</b>"
    learner.save(update_fields=["full_name"])
    response = learner_client.get(reverse("accounts:data_html"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    assert "Fien &lt;b&gt;Fictief&lt;/b&gt;" in body and "<b>" not in body
    assert "Inschrijvingen voor cursussen" in body and "Signalen van IFG herkennen" in body
    assert "Omer Ander" not in body
    assert AuditEvent.objects.filter(
        action=AuditAction.LEARNER_DATA_DOWNLOADED, extra__format="html"
    ).exists()


def test_download_needs_a_signed_in_user(db) -> None:
    response = Client().get(reverse("accounts:data_json"))
    assert response.status_code == 302 and "/account/aanmelden/" in response["Location"]


# --- deletion ------------------------------------------------------------------------------


def test_deletion_erases_every_row_that_leads_to_the_learner(
    world, learner, learner_client, django_capture_on_commit_callbacks
) -> None:
    certificate = Certificate.objects.get(user=learner)
    LogEntry.objects.get_for_object(certificate).get()  # its creation is in the history
    pk = learner.pk
    with django_capture_on_commit_callbacks(execute=True):
        response = _erase(learner_client)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:erased")

    # Every training row on a path to the user (found by the test's own walk) is gone.
    for label, paths in _paths_to_user(_training_models()).items():
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(**{path: pk})
        assert not apps.get_model(label).objects.filter(condition).exists(), label
    # ... and nothing in any training row, nor in the account, holds the name or the address.
    for model in _training_models():
        for row in model.objects.all():
            for value in _text_values(row):
                assert NAME not in value and EMAIL not in value, model._meta.label
    user = User.objects.get(pk=pk)
    assert user.email == f"verwijderd-{pk}@{ERASED_DOMAIN}" and user.full_name == ""
    assert not user.is_active and not user.has_usable_password()

    # The other learner keeps everything; the waitlist moved up.
    other = world["other"]
    assert Enrolment.objects.filter(user=other).exists()
    assert Certificate.objects.get(user=other).learner_name == "Omer Ander"
    world["waiting"].refresh_from_db()
    assert world["waiting"].status == RegistrationStatus.OFFERED

    # The change history about them and their rows: no name, no address, no pointer.
    for entry in LogEntry.objects.all():
        blob = json.dumps(
            [entry.object_repr, entry.changes_text, entry.changes, entry.serialized_data],
            default=str,
            ensure_ascii=False,
        )
        assert NAME not in blob and EMAIL not in blob
        assert entry.actor_id != pk and entry.actor_email != EMAIL

    # The certificate still verifies, without the name.
    page = Client().get(reverse("training:certificate_verify", args=[certificate.code]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Dit attest is geldig." in text and "Naam verwijderd op verzoek" in text
    assert certificate.course_title in text and NAME not in text

    # Audited under the pseudonymous id; the confirmation e-mail says only that.
    event = AuditEvent.objects.filter(action=AuditAction.ACCOUNT_ERASED).get()
    assert event.actor_id == pk and event.outcome == Outcome.ALLOWED
    assert EMAIL not in event.actor_label and event.extra["certificates"] == "keep"
    assert event.extra["deleted"]["training.Enrolment"] == 1
    [message] = [m for m in mail.outbox if m.to == [EMAIL]][-1:]
    assert message.subject == "Uw account bij Veilig Huis is verwijderd"
    assert "Signalen" not in message.body and "attest" not in message.body.lower()

    # Signed out; the page after says what happened.
    assert "_auth_user_id" not in learner_client.session
    done = learner_client.get(reverse("accounts:erased"))
    assert "Uw account is verwijderd" in done.content.decode()
    assert learner_client.get(reverse("accounts:erased")).status_code == 302  # shown once


def test_revoked_certificates_say_so(world, learner, learner_client) -> None:
    code = Certificate.objects.get(user=learner).code
    assert _erase(learner_client, certificates="revoke").status_code == 302
    certificate = Certificate.objects.get(code=code)
    assert certificate.revoked_at is not None and certificate.user_id is None
    assert certificate.learner_name == "Naam verwijderd op verzoek"
    text = Client().get(reverse("training:certificate_verify", args=[code])).content.decode()
    assert "Dit attest is ingetrokken." in text and NAME not in text


def test_the_erased_learner_cannot_sign_in(world, learner, learner_client) -> None:
    other_browser = Client()
    other_browser.force_login(learner)
    assert _erase(learner_client).status_code == 302
    # The session in the other browser ended too (session stamp).
    assert other_browser.get(reverse("accounts:home")).status_code == 302
    for username in (EMAIL, f"verwijderd-{learner.pk}@{ERASED_DOMAIN}"):
        client = Client()
        response = client.post(
            reverse("two_factor:login"),
            {
                "sign_in_view-current_step": "auth",
                "auth-username": username,
                "auth-password": PASSWORD,
            },
        )
        assert response.status_code == 200  # the form again, with an error
        assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused_in_dutch_and_nothing_changes(
    world, learner, learner_client
) -> None:
    before = {m._meta.label: m.objects.count() for m in _training_models()}
    response = _erase(learner_client, password="niet-het-wachtwoord")
    assert response.status_code == 400
    assert "Dit wachtwoord klopt niet. Er is niets verwijderd." in response.content.decode()
    assert {m._meta.label: m.objects.count() for m in _training_models()} == before
    learner.refresh_from_db()
    assert learner.email == EMAIL and learner.is_active and learner.full_name == NAME
    assert learner_client.get(reverse("accounts:home")).status_code == 200  # still signed in
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT_ERASED).exists()


def test_missing_confirmation_is_asked_for(world, learner, learner_client) -> None:
    response = learner_client.post(
        reverse("accounts:erase"), {"password": PASSWORD, "certificates": "keep"}
    )
    assert response.status_code == 400
    assert "Vink aan dat u dit begrijpt." in response.content.decode()
    assert User.objects.get(pk=learner.pk).is_active


def test_a_learner_with_a_second_factor_also_gives_a_code(
    world, learner, make_device, verified_client
) -> None:
    device = make_device(learner)
    StaticDevice.objects.create(user=learner, name="backup", confirmed=True)
    client = verified_client(learner)
    page = client.get(reverse("accounts:erase")).content.decode()
    assert "Code uit uw authenticator-app" in page
    missing = _erase(client)
    assert missing.status_code == 400
    assert "Vul de huidige code" in missing.content.decode()
    wrong = _erase(client, otp_token="000000" if totp_code(device) != "000000" else "111111")
    assert "Deze code is niet geldig. Er is niets verwijderd." in wrong.content.decode()
    assert User.objects.get(pk=learner.pk).is_active
    device.refresh_from_db()
    device.throttle_reset()  # django-otp delays the next try after a wrong code
    assert _erase(client, otp_token=totp_code(device)).status_code == 302
    assert not TOTPDevice.objects.filter(user_id=learner.pk).exists()
    assert not StaticDevice.objects.filter(user_id=learner.pk).exists()


@pytest.mark.parametrize("kind", ["member", "staff", "editor"])
def test_members_staff_and_editors_are_refused(
    kind, world, learner, verified_client, organisation
) -> None:
    if kind == "member":
        MembershipFactory(user=learner, organisation=organisation, role=Role.PARTNER)
    elif kind == "staff":
        learner.is_staff = True
        learner.save(update_fields=["is_staff"])
    else:
        editors = Group.objects.create(name="Redactie (test)")
        editors.permissions.add(
            Permission.objects.get(
                content_type=ContentType.objects.get(app_label="wagtailadmin", model="admin"),
                codename="access_admin",
            )
        )
        learner.groups.add(editors)
    client = verified_client(learner)
    page = client.get(reverse("accounts:erase"))
    assert page.status_code == 200
    assert "Vraag de beheerder van uw organisatie" in page.content.decode()
    assert 'name="password"' not in page.content.decode()
    before = Enrolment.objects.count()
    response = _erase(client)
    assert response.status_code == 403
    assert "U kunt dit account niet zelf verwijderen" in response.content.decode()
    learner.refresh_from_db()
    assert learner.email == EMAIL and learner.is_active
    assert Enrolment.objects.count() == before
    event = AuditEvent.objects.filter(action=AuditAction.ACCOUNT_ERASED).get()
    assert event.outcome == Outcome.DENIED


def test_account_page_links_to_both(learner_client) -> None:
    page = learner_client.get(reverse("accounts:home")).content.decode()
    assert reverse("accounts:data") in page and reverse("accounts:erase") in page
