"""Case documents: the upload check (type by extension and content, size), stored under a
random name, with their audience; and the audience rows a restricted timeline entry shares."""

from __future__ import annotations

import hashlib
import os
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction

from ..access import NotFoundOrNotAllowed, actor_profile, can_contribute, can_retract, case_basis
from ..models import Audience, Case, CaseDocument, Organisation, Sector, Visibility
from ..selectors.cases import CaseAccess, visible_documents
from ..storage import delete_unless_committed
from ._common import (
    audit_change,
    mark_retracted,
    require_case_right,
    require_open,
    retraction_reason,
)
from .legal_bases import recipients_of_audience, require_sharing_basis

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# extension -> (content type, sniffing test on the first bytes)
DOCUMENT_TYPES: dict[str, tuple[str, Any]] = {
    "pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-")),
    "png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda head: head.startswith(b"PK\x03\x04"),
    ),
    "odt": (
        "application/vnd.oasis.opendocument.text",
        lambda head: head.startswith(b"PK\x03\x04") and b"opendocument.text" in head[:100],
    ),
    "txt": ("text/plain", None),
}


def _sniff(upload: UploadedFile[Any]) -> tuple[str, str]:
    name = os.path.basename(upload.name or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            {"file": _("Dit bestandstype is niet toegelaten (pdf, docx, odt, txt, png, jpg).")}
        )
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": _("Het bestand is leeg.")})
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": _("Het bestand is groter dan 10 MB.")})
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    content_type, test = DOCUMENT_TYPES[extension]
    if test is None:
        ok = b"\x00" not in head
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            ok = ok and error.start >= len(head) - 4  # a character cut at the boundary
    else:
        ok = test(head)
    if not ok:
        raise ValidationError(
            {"file": _("De inhoud van het bestand past niet bij het bestandstype.")}
        )
    return extension, content_type


def document_upload(
    *,
    actor: Any,
    case: Case,
    title: str,
    upload: UploadedFile[Any],
    visibility: str = Visibility.ALL,
    sectors: list[str] | None = None,
    organisation_ids: list[int] | None = None,
    legal_basis_id: int | None = None,
) -> CaseDocument:
    """Store an uploaded file for the case; it rests on a legal basis covering every service
    it reaches (``legal_bases.require_sharing_basis``)."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_contribute, what="document"
    )
    require_open(case)
    extension, content_type = _sniff(upload)
    audience: list[Audience] = []
    if visibility == Visibility.AUDIENCE:
        audience = audience_rows(
            sectors=sectors or [], organisation_ids=organisation_ids or [], case=case
        )
    elif visibility != Visibility.ALL:
        raise ValidationError({"visibility": _("Kies wie dit mag zien.")})
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Geef het document een titel.")})
    legal = require_sharing_basis(
        actor=actor,
        profile=profile,
        case=case,
        legal_basis_id=legal_basis_id,
        organisation_ids=recipients_of_audience(
            case=case,
            profile=profile,
            visibility=visibility,
            sectors=sectors or [],
            organisation_ids=organisation_ids or [],
        ),
        what="document",
    )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    # A random stored name: the original file name may itself be case content.
    upload.name = f"{secrets.token_hex(16)}.{extension}"
    document = CaseDocument(
        case=case,
        title=title[:200],
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        visibility=visibility,
        legal_basis=legal,
    )
    with transaction.atomic():
        document.file.save(upload.name, upload, save=False)
        stored_name = document.file.name or upload.name
        # Also when a caller's transaction around this one rolls back later.
        delete_unless_committed(document.file.storage, stored_name)
        try:
            document.save()
            for row in audience:
                row.document = document
            Audience.objects.bulk_create(audience)
            audit_change(
                action=AuditAction.DOCUMENT_UPLOADED,
                actor=actor,
                profile=profile,
                case=case,
                basis=basis,
                object_type="document",
                object_id=document.pk,
                extra={
                    "size": document.size,
                    "type": extension,
                    "visibility": visibility,
                    "legal_basis_id": legal.pk,
                },
            )
        except Exception:
            document.file.storage.delete(stored_name)
            raise
    return document


def document_retract(*, actor: Any, case: Case, document_id: int, reason: str) -> CaseDocument:
    """Retract a document the actor sees (its uploader, the case director or a coordinator of
    the region): from now on nobody downloads it or reads its title; those who saw it see who
    retracted it, when and why. The stored file stays until the case's retention deletes it
    with the row. Another document, or one already retracted, is "not found"."""
    profile = actor_profile(actor)
    basis = case_basis(profile, case)
    document: CaseDocument | None = None
    if basis is not None and can_contribute(basis):
        access = CaseAccess(case=case, basis=basis, profile=profile)
        document = (
            visible_documents(access).filter(pk=document_id, retracted_at__isnull=True).first()
        )
    profile, basis = require_case_right(
        actor=actor,
        case=case,
        check=lambda b: document is not None and can_retract(profile, b, document.uploaded_by_id),
        what="document_retract",
    )
    if document is None:  # refused above; for the type checker
        raise NotFoundOrNotAllowed
    require_open(case)
    reason = retraction_reason(reason)
    with transaction.atomic():
        document = mark_retracted(document, actor=actor, reason=reason)
        audit_change(
            action=AuditAction.DOCUMENT_RETRACTED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="document",
            object_id=document.pk,
            extra={"change": "document_retract", "visibility": document.visibility},
        )
    return document


def audience_rows(*, sectors: list[str], organisation_ids: list[int], case: Case) -> list[Audience]:
    """The audience rows of a restricted entry or document (unsaved), checked against the
    known sectors and active services; at least one."""
    if any(s not in Sector.values for s in sectors):
        raise ValidationError({"sectors": _("Kies alleen uit de gegeven sectoren.")})
    organisation_ids = [int(o) for o in organisation_ids]
    known = set(
        Organisation.objects.filter(pk__in=organisation_ids, is_active=True).values_list(
            "pk", flat=True
        )
    )
    if set(organisation_ids) - known:
        raise ValidationError({"organisations": _("Kies alleen uit de gegeven diensten.")})
    if not sectors and not organisation_ids:
        raise ValidationError(
            {"sectors": _("Kies minstens één sector of dienst die dit mag zien.")}
        )
    return [Audience(sector=s) for s in dict.fromkeys(sectors)] + [
        Audience(organisation_id=o) for o in dict.fromkeys(organisation_ids)
    ]
