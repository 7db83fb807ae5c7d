"""A closed case past its period, with fictional personal text in every model linked to it:
after the scheduled, confirmed retention run none of that text is left anywhere (any column of
any model, decoded Yjs updates and PDF streams included, or a stored file), while a recent case
keeps everything and the pseudonymous skeleton stays."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import pytest
from django.apps import apps

from collaboration.live_notes.models import Minutes
from collaboration.models import Case, FamilyMember, RetentionRun, RetentionRunStatus
from collaboration.services import retention
from collaboration.services.retention import RETENTION, Treatment, case_linked_models
from collaboration.services.retention_runs import retention_run_confirm
from collaboration.tasks import propose_retention_runs
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent

from .full_case import RECENT, SECRETS, build_full_case, find_secrets


@pytest.mark.django_db
def test_no_personal_text_of_the_case_remains_anywhere(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    full = build_full_case(world)
    FamilyMember.objects.create(case=world.case, name=f"{RECENT} Kind", family_role="child")

    # Every model linked to a case holds data of this one (shared models and Wagtail's own
    # generic pointers excepted), so the run below is tried on all of them.
    rows = retention.rows_of_cases([full.case.pk])
    linked = case_linked_models(apps.get_models(include_auto_created=True))
    empty = [
        label
        for label in linked
        if RETENTION[label].pointer is None
        and RETENTION[label].treatment != Treatment.SHARED
        and not rows.get(label)
    ]
    assert empty == []
    counts = retention.count_rows(rows)
    assert counts["auditlog.LogEntry"] > 0 and counts["admin.LogEntry"] == 1
    # The scanner sees the secrets where they are, decoded: Yjs state, PDF, files, history.
    before = find_secrets()
    for where in (
        "live_notes.NoteSnapshot.state",
        "live_notes.NoteUpdate.data",
        "live_notes.Minutes.pdf",
        "live_notes.Minutes.state",
        "live_notes.Minutes.html",
        "live_notes.AgendaItem.title",
        "auditlog.LogEntry.changes",
        "admin.LogEntry.object_repr",
        "collaboration.ConsultRequest.question",
        "file ",
    ):
        assert any(hit.startswith(where) for hit in before), where
    assert os.path.exists(full.document_path)

    # The scheduled task proposes; the region's privacy officer confirms; the run applies.
    propose_retention_runs.enqueue()
    run = RetentionRun.objects.get(status=RetentionRunStatus.PROPOSED)
    assert run.cases == [full.case.reference]
    with django_capture_on_commit_callbacks(execute=True):
        retention_run_confirm(actor=world.privacy, run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RetentionRunStatus.DONE

    assert find_secrets() == []
    assert not os.path.exists(full.document_path)
    assert find_secrets([RECENT]) != []  # the recent case kept its data

    # The pseudonymous skeleton stays; the minutes still open as a PDF matching its hash.
    case = Case.objects.get(pk=full.case.pk)
    assert case.reference == full.case.reference and case.phase == "closed"
    member = FamilyMember.objects.get(pk=full.member.pk)
    assert member.birth_year == 2015 and member.name == retention.REDACTED
    minutes = Minutes.objects.get(meeting=full.meeting)
    assert bytes(minutes.pdf).startswith(b"%PDF")
    assert minutes.pdf_sha256 == hashlib.sha256(bytes(minutes.pdf)).hexdigest()

    # The result is recorded: counts per model, no content.
    applied = AuditEvent.objects.get(action=AuditAction.RETENTION_APPLIED)
    assert applied.extra["cases"] == [full.case.reference]
    assert applied.extra["rows"]["live_notes.NoteUpdate"] == 2
    assert applied.extra["rows"]["collaboration.CaseDocument"] == 1
    assert applied.extra["files"] == 1
    assert run.result_counts == applied.extra["rows"]
    assert not any(secret in str(applied.extra) for secret in SECRETS)
    # A second run finds nothing left to do.
    assert retention.anonymise_due(dry_run=True).cases == []
