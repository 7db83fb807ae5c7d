"""Document files live and die with their rows: an upload whose transaction rolls back leaves
no file, and the sweeper removes files that no row refers to once they are past the grace
period (never an upload in flight, never a referenced file)."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from collaboration.models import CaseDocument
from collaboration.services.documents import document_upload
from collaboration.services.retention import sweep_orphaned_files
from collaboration.tasks import sweep_orphaned_documents
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from tests.factories.legal_bases import standing_basis


class Boom(Exception):
    pass


def _stored_files(root: str) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


def _upload(world: Any) -> CaseDocument:
    return document_upload(
        actor=world.director,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        title="Verslag (fictief)",
        upload=SimpleUploadedFile("verslag.txt", b"Fictieve inhoud.\n", "text/plain"),
    )


@pytest.mark.django_db
def test_an_upload_whose_transaction_rolls_back_leaves_no_file(world: Any, settings: Any) -> None:
    with pytest.raises(Boom), transaction.atomic():
        _upload(world)
        assert len(_stored_files(settings.CASE_DOCUMENTS_ROOT)) == 1
        raise Boom
    assert CaseDocument.objects.count() == 0
    assert _stored_files(settings.CASE_DOCUMENTS_ROOT) == []


@pytest.mark.django_db
def test_an_upload_in_a_rolled_back_savepoint_leaves_no_file_the_rest_commits(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        kept = _upload(world)
        with pytest.raises(Boom), transaction.atomic():
            _upload(world)
            raise Boom
    assert list(CaseDocument.objects.values_list("pk", flat=True)) == [kept.pk]
    assert [p.name for p in _stored_files(settings.CASE_DOCUMENTS_ROOT)] == [
        Path(kept.file.name).name
    ]


@pytest.mark.django_db(transaction=True)
def test_a_committed_upload_keeps_its_file(world: Any, settings: Any) -> None:
    document = _upload(world)
    assert CaseDocument.objects.filter(pk=document.pk).exists()
    assert len(_stored_files(settings.CASE_DOCUMENTS_ROOT)) == 1
    with document.file.open("rb") as handle:
        assert handle.read() == b"Fictieve inhoud.\n"


def _age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


@pytest.mark.django_db
def test_the_sweeper_removes_old_orphans_only(world: Any, settings: Any) -> None:
    settings.CASE_DOCUMENT_ORPHAN_GRACE_HOURS = 6
    root = Path(settings.CASE_DOCUMENTS_ROOT)
    referenced = _upload(world)
    referenced_path = root / referenced.file.name
    _age(referenced_path, 48)
    old_orphan = root / "2020" / "01" / f"{'0123456789abcdef' * 2}.pdf"
    new_orphan = root / "2026" / "12" / f"{'fedcba9876543210' * 2}.txt"
    not_ours = root / "LEESMIJ.txt"
    for path in (old_orphan, new_orphan, not_ours):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"fictief")
    _age(old_orphan, 7)
    _age(not_ours, 700)
    _age(new_orphan, 1)  # an upload whose transaction may still be open

    assert sweep_orphaned_documents.enqueue().return_value == {"removed": 1}
    assert not old_orphan.exists()
    assert new_orphan.exists() and referenced_path.exists() and not_ours.exists()
    event = AuditEvent.objects.get(action=AuditAction.ORPHANED_FILES_REMOVED)
    assert event.extra == {"count": 1}

    assert sweep_orphaned_files(grace=dt.timedelta(0)) == [f"2026/12/{'fedcba9876543210' * 2}.txt"]
    assert referenced_path.exists()
