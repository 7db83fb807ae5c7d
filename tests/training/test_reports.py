"""Managers' reports: own organisation only, audited, CSV, fixed query count."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collaboration.models import Organisation, Role
from content.training.models import Enrolment, LearnerProfile, QuizAttempt, QuizPage
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from tests.factories.organisations import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(db) -> tuple[Organisation, Organisation]:
    mine = OrganisationFactory(
        name="CLB Test", kind="clb", sector="education", region="oost-vlaanderen"
    )
    other = OrganisationFactory(
        name="OCMW Test", kind="ocmw", sector="welfare", region="oost-vlaanderen"
    )
    return mine, other


@pytest.fixture
def manager(make_user, orgs) -> object:
    user = make_user(full_name="Mona Manager")
    MembershipFactory(user=user, organisation=orgs[0], role=Role.ORGANISATION_ADMIN)
    return user


def _learner(make_user, organisation, course, name: str, score: int | None = None):
    user = make_user(full_name=name)
    LearnerProfile.objects.create(user=user, organisation=organisation)
    enrolment = Enrolment.objects.create(user=user, course=course, completed_at=timezone.now())
    if score is not None:
        quiz = QuizPage.objects.child_of(course).first()
        QuizAttempt.objects.create(
            enrolment=enrolment,
            quiz_id=quiz.pk,
            number=1,
            pass_mark=80,
            score=score,
            passed=score >= 80,
            submitted_at=timezone.now(),
        )
    return user


def test_report_shows_own_organisation_and_is_audited(
    make_user, make_course, orgs, manager, verified_client
) -> None:
    course = make_course(lessons=0)
    _learner(make_user, orgs[0], course, "Lotte Lerende", score=90)
    _learner(make_user, orgs[1], course, "Andere Organisatie", score=50)
    client = verified_client(manager)
    response = client.get(reverse("training:report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lotte Lerende" in html and "(90 %)" in html
    assert "Andere Organisatie" not in html
    event = AuditEvent.objects.get(action=AuditAction.TRAINING_REPORT_VIEWED, actor=manager)
    assert event.organisation == "CLB Test" and event.extra["format"] == "html"


def test_other_organisation_is_refused_and_audited(
    make_course, orgs, manager, verified_client
) -> None:
    client = verified_client(manager)
    response = client.get(reverse("training:report"), {"organisatie": orgs[1].pk})
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditAction.TRAINING_REPORT_VIEWED, outcome=Outcome.DENIED, actor=manager
    ).exists()


def test_learners_and_partners_see_no_report(make_user, orgs, verified_client) -> None:
    learner = Client()
    learner.force_login(make_user())
    assert learner.get(reverse("training:report")).status_code == 404
    partner = make_user()
    MembershipFactory(user=partner, organisation=orgs[0], role=Role.PARTNER)
    assert verified_client(partner).get(reverse("training:report")).status_code == 404


def test_csv_export(make_user, make_course, orgs, manager, verified_client) -> None:
    course = make_course(lessons=0, title="=HYPERLINK(kwaad)")
    _learner(make_user, orgs[0], course, "Lotte Lerende", score=85)
    response = verified_client(manager).get(reverse("training:report_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Naam"
    assert (
        rows[1][0] == "Lotte Lerende" and rows[1][3] == "'=HYPERLINK(kwaad)" and rows[1][6] == "85"
    )
    assert AuditEvent.objects.filter(extra__format="csv").count() == 1


def test_report_query_count_does_not_grow_with_learners(
    make_user, make_course, orgs, manager, verified_client
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course = make_course(lessons=0)
    client = verified_client(manager)
    _learner(make_user, orgs[0], course, "Eerste", score=90)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("training:report"))
    for n in range(6):
        _learner(make_user, orgs[0], course, f"Lerende {n}", score=80 + n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("training:report"))
    assert response.content.decode().count("Lerende ") >= 6
    assert len(many) == len(few)
