"""Issued certificates as final records for ``portal.audit.final_records`` (issue 18 item 5).

A certificate is shown to employers and in Open Badges long after it was issued, so what it
says (code, name, course, hours, dates) is fixed at issue: the issue's audit record carries
the hash of those fields (``certificate_sha256``, defined here once) and on PostgreSQL a
trigger refuses changing them, or removing the certificate (migration 0006_certificate_trigger).

Two changes stay legitimate. Revocation: the revocation columns may be filled, once. Erasure
on request (``services.rights.learner_erase``): the name is replaced, in a transaction that
says so with ``SET LOCAL veilighuis.erasure = 'on'`` (``allow_name_erasure``), and the hash of
the certificate without the name goes into the trail, so the check expects that one from then
on. The revocation columns are not hashed: a revoked certificate still verifies.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection

from portal.audit.classification import AccessRule
from portal.audit.events import AuditAction
from portal.audit.final_records import (
    FinalRecordProblem,
    audited_hashes,
    canonical_sha256,
    hash_problem,
)
from portal.audit.writer import record_event

from .models import Certificate

# What the certificate says (the trigger of migration 0006_certificate_trigger protects these).
CERTIFICATE_FIELDS = (
    "code",
    "learner_name",
    "course_title",
    "training_hours",
    "issued_at",
    "expires_at",
)
# The key of the hash in an audit record's ``extra``.
CERTIFICATE_HASH_KEY = "certificate_sha256"


def certificate_sha256(certificate: Certificate) -> str:
    """The SHA-256 of what the certificate says (its id included, so a hash fits no other)."""
    fields: dict[str, Any] = {name: getattr(certificate, name) for name in CERTIFICATE_FIELDS}
    fields["certificate_id"] = certificate.pk
    return canonical_sha256(fields)


def record_issue(certificate: Certificate) -> None:
    """The issue's audit record, with the hash (in the issuing transaction) of the row as
    stored: the database rounds the hours to its one decimal."""
    stored = Certificate.objects.get(pk=certificate.pk)
    record_event(
        action=AuditAction.CERTIFICATE_ISSUED,
        actor=certificate.user,
        object_type="certificate",
        object_id=certificate.pk,
        extra={CERTIFICATE_HASH_KEY: certificate_sha256(stored)},
    )


def allow_name_erasure() -> None:
    """Let this transaction replace certificates' names (the erasure on request); on
    PostgreSQL the trigger refuses it otherwise. ``SET LOCAL`` ends with the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL veilighuis.erasure = 'on'")


def record_erased(certificate_ids: list[int]) -> None:
    """After the name went, the hash of what each certificate now says goes into the trail."""
    for certificate in Certificate.objects.filter(pk__in=certificate_ids).order_by("pk"):
        record_event(
            action=AuditAction.FINAL_RECORD_ANONYMISED,
            object_type="certificate",
            object_id=certificate.pk,
            access_rule=AccessRule.SELF,
            extra={CERTIFICATE_HASH_KEY: certificate_sha256(certificate)},
        )


def certificate_baseline() -> int:
    """Record the hash of every certificate the trail has none for (issued before issue 18)."""
    from portal.audit.final_records import record_baseline

    audited = audited_hashes("certificate", CERTIFICATE_HASH_KEY)
    recorded = 0
    for certificate in Certificate.objects.order_by("pk").iterator():
        if str(certificate.pk) not in audited:
            record_baseline(
                "certificate", certificate.pk, CERTIFICATE_HASH_KEY, certificate_sha256(certificate)
            )
            recorded += 1
    return recorded


def certificate_problems() -> Iterator[FinalRecordProblem]:
    """Every certificate that no longer says what its audit record hashed."""
    audited = audited_hashes("certificate", CERTIFICATE_HASH_KEY)
    for certificate in Certificate.objects.order_by("pk").iterator():
        problem = hash_problem(
            "certificate",
            certificate.pk,
            audited.get(str(certificate.pk)),
            certificate_sha256(certificate),
        )
        if problem is not None:
            yield problem
