"""Closed cases past retention are anonymised; a dry run changes nothing; history forgets too.

Which models retention reaches is checked in test_registry.py (every model linked to a case,
in every app) and test_everything_about_a_case.py (no trace left anywhere)."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from collaboration import models as collab
from collaboration.services.retention import REDACTED, anonymise_due_cases
from tests.factories.organisations import MembershipFactory, OrganisationFactory

SECRET_NAME = "Fictief Kind Janssens"


def _closed_case(make_user, reference: str, closed_years_ago: float):
    director = make_user()
    organisation = OrganisationFactory(
        name=f"Org {reference}", kind="caw", sector="welfare", region="oost-vlaanderen"
    )
    case = collab.Case.objects.create(
        reference=reference,
        region="oost-vlaanderen",
        case_director=director,
        closing_summary="Het gezin vond zijn weg.",
        contact_card="CAW voor budget",
    )
    collab.FamilyMember.objects.create(
        case=case, name=SECRET_NAME, birth_year=2012, family_role="child"
    )
    entry = collab.TimelineEntry.objects.create(
        case=case,
        kind="note",
        occurred_on=dt.date(2020, 1, 2),
        title="Gesprek",
        body=f"{SECRET_NAME} vertelde over thuis.",
        author=director,
        author_organisation=organisation,
    )
    collab.Case.objects.filter(pk=case.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=round(365.25 * closed_years_ago)),
        phase="closed",
    )
    return case, entry


@pytest.mark.django_db
def test_dry_run_changes_nothing_and_apply_scrubs_everything(make_user) -> None:
    old, entry = _closed_case(make_user, "VH-OVL-2019-0001", 6)
    recent, _ = _closed_case(make_user, "VH-OVL-2023-0001", 3)
    call_command("anonymise_closed_cases", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert collab.FamilyMember.objects.filter(name=SECRET_NAME).count() == 2

    report = anonymise_due_cases(dry_run=False)
    assert report.cases == ["VH-OVL-2019-0001"]
    assert collab.FamilyMember.objects.get(case=old).name == REDACTED
    entry.refresh_from_db()
    assert SECRET_NAME not in entry.body and entry.title == REDACTED
    old.refresh_from_db()
    assert old.closing_summary == REDACTED and old.reference == "VH-OVL-2019-0001"
    assert collab.FamilyMember.objects.get(case=recent).name == SECRET_NAME
    # The change history no longer carries the old name.
    # (A log entry names its object by content type *and* key: the recent case's entry may
    # share a key with the old case.)
    scrubbed = {
        (ContentType.objects.get_for_model(old).pk, str(old.pk)),
        (ContentType.objects.get_for_model(entry).pk, str(entry.pk)),
    }
    for log in LogEntry.objects.all():
        if (log.content_type_id, log.object_pk) in scrubbed or log.object_repr == REDACTED:
            assert SECRET_NAME not in str(log.changes) + log.object_repr
    assert SECRET_NAME in "".join(
        str(log.changes) for log in LogEntry.objects.all()
    )  # the recent case's
    assert anonymise_due_cases(dry_run=False).cases == []


@pytest.mark.django_db
def test_no_trace_of_the_name_remains_for_the_old_case(make_user) -> None:
    old, _ = _closed_case(make_user, "VH-OVL-2018-0002", 7)
    anonymise_due_cases(dry_run=False)
    member_type = collab.FamilyMember
    member = member_type.objects.get(case=old)
    logs = LogEntry.objects.get_for_object(member)
    assert logs.exists()
    assert all(SECRET_NAME not in str(log.changes) for log in logs)


@pytest.mark.django_db
def test_finished_consult_questions_are_scrubbed_after_their_period() -> None:
    old = collab.ConsultRequest.objects.create(
        name="Fictieve Huisarts",
        organisation="Praktijk Test",
        email="arts@test.example",
        region="oost-vlaanderen",
        question="Hoe spreek ik dit aan?",
        status="closed",
    )
    new = collab.ConsultRequest.objects.create(
        name="Andere Arts",
        organisation="Praktijk Twee",
        email="twee@test.example",
        region="oost-vlaanderen",
        question="Nog een vraag?",
        status="closed",
    )
    collab.ConsultRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=3 * 366)
    )
    anonymise_due_cases(dry_run=False)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.name == REDACTED and old.question == REDACTED and old.email.startswith("[")
    assert new.question == "Nog een vraag?"


@pytest.mark.django_db
def test_subject_access_export_writes_json_and_pdf_and_is_audited(make_user, tmp_path) -> None:
    import json

    from collaboration.subject_access.services import subject_access_release
    from portal.audit.events import AuditAction
    from portal.audit.models import AuditEvent

    case, _entry = _closed_case(make_user, "VH-OVL-2024-0003", 1)
    member = collab.FamilyMember.objects.get(case=case)
    organisation = collab.Organisation.objects.get(name=f"Org {case.reference}")
    officer, second = make_user(email="privacy@test.example"), make_user()
    for user in (officer, second):
        MembershipFactory(user=user, organisation=organisation, role=collab.Role.PRIVACY_OFFICER)
    options = ["--case", case.reference, "--member", str(member.pk), "--requester", "Vader"]
    options += ["--identity-checked-by", "Balie", "--identity-check", "id_card_shown"]
    quiet = open("/dev/null", "w")  # noqa: SIM115
    call_command("subject_access_export", "--officer", officer.email, *options, stdout=quiet)
    request = collab.SubjectAccessRequest.objects.get(family_member=member)
    subject_access_release(actor=second, request_id=request.pk)
    call_command(
        "subject_access_export",
        "--officer",
        officer.email,
        "--request",
        str(request.pk),
        "--out",
        str(tmp_path),
        stdout=quiet,
    )
    data = json.loads((tmp_path / f"inzage-{request.pk}.json").read_text())
    assert data["verzoek"]["Over"] == SECRET_NAME
    assert SECRET_NAME in json.dumps(data, ensure_ascii=False)
    assert (tmp_path / f"inzage-{request.pk}.pdf").read_bytes().startswith(b"%PDF")
    event = AuditEvent.objects.get(action=AuditAction.SUBJECT_ACCESS_REGISTERED, actor=officer)
    assert event.case_reference == case.reference
    assert SECRET_NAME not in str(event.extra)
