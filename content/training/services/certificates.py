"""Certificates: issue on completion, revoke by a coordinator. The code is the public key to
the verification page, so it is long and random. What an issued certificate says is final: the
issue's audit record carries its hash (``training.final_records``)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..final_records import record_issue
from ..models import Certificate, Enrolment
from ..openbadges.credentials import ensure_status_list_index

# Crockford's base32 without I, L, O, U: nothing to misread when a code is typed over.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_certificate_code() -> str:
    """VH-XXXX-XXXX-XXXX: 60 random bits."""
    groups = ["".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3)]
    return "VH-" + "-".join(groups)


def certificate_issue(*, enrolment: Enrolment) -> Certificate:
    """Issue the certificate of a completed enrolment (idempotent)."""
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    course = enrolment.course
    issued_at = enrolment.completed_at or timezone.now()
    expires_at = None
    if course.certificate_valid_months:
        expires_at = issued_at + timedelta(days=round(30.44 * course.certificate_valid_months))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    code=new_certificate_code(),
                    enrolment=enrolment,
                    user=enrolment.user,
                    learner_name=enrolment.user.full_name or enrolment.user.email,
                    course_title=course.title,
                    training_hours=course.training_hours,
                    issued_at=issued_at,
                    expires_at=expires_at,
                )
                record_issue(certificate)
        except IntegrityError:  # a code collision: draw again
            continue
        # Its place in the Open Badges revocation list, drawn now so downloads only read.
        ensure_status_list_index(certificate)
        return certificate
    raise RuntimeError("Could not draw a unique certificate code")


def certificate_revoke(*, certificate: Certificate, reason: str, actor: Any = None) -> Certificate:
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revocation_reason = reason[:200]
        certificate.save(update_fields=["revoked_at", "revocation_reason"])
    return certificate
