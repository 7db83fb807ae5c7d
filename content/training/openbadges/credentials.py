"""The Open Badges 3.0 credential of a certificate and the revocation list, both signed.

The credential says what the PDF says, and no more: the learner's name (as an unhashed
IdentityObject, the way OB 3.0 names a person without an account identifier), the course with
its description and hours (``achievement.creditsAvailable``: "credit hours associated with
this entity", and ``creditsEarned`` on the subject), the dates and the verification page.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse

from ..models import Certificate
from . import proof, statuslist
from .keys import signing_key
from .loader import CREDENTIALS_V2, OB_V3

ISSUER_NAME = "Veilig Huis"
CRITERIA = (
    "Alle lessen van de e-learning doorlopen en de toetsen ervan gehaald op het portaal van "
    "Veilig Huis."
)
# A status list without revocations still needs a date; this one predates every badge.
LIST_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_list_url(number: int) -> str:
    return _absolute(reverse("training:open_badge_status_list", args=[number]))


def ensure_status_list_index(certificate: Certificate) -> int:
    """The certificate's place in the revocation lists, drawn the first time it is needed.
    Lists fill to half before the next opens, so a random draw seldom collides."""
    if certificate.status_list_index is not None:
        return certificate.status_list_index
    for _attempt in range(20):
        taken = Certificate.objects.filter(status_list_index__isnull=False).count()
        lists = 1 + taken // (statuslist.LIST_SIZE // 2)
        candidate = secrets.randbelow(lists * statuslist.LIST_SIZE)
        try:
            with transaction.atomic():
                updated = Certificate.objects.filter(
                    pk=certificate.pk, status_list_index__isnull=True
                ).update(status_list_index=candidate)
        except IntegrityError:  # taken by another certificate: draw again
            continue
        certificate.refresh_from_db(fields=["status_list_index"])
        if updated or certificate.status_list_index is not None:
            return certificate.status_list_index
    raise RuntimeError("Could not draw a free status list position")


def _achievement(certificate: Certificate) -> dict[str, Any]:
    course = certificate.enrolment.course if certificate.enrolment_id else None
    verify_url = _absolute(reverse("training:certificate_verify", args=[certificate.code]))
    achievement_id = verify_url + "#cursus"
    description = certificate.course_title
    if course is not None:
        course_url = course.get_url()
        if course_url:
            achievement_id = course_url if "://" in course_url else _absolute(course_url)
        description = course.summary or description
    return {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": certificate.course_title,
        "description": description,
        "criteria": {"narrative": CRITERIA},
        "creditsAvailable": float(certificate.training_hours),
        "inLanguage": "nl-BE",
    }


def unsigned_credential(certificate: Certificate) -> dict[str, Any]:
    key = signing_key()
    index = ensure_status_list_index(certificate)
    number, position = divmod(index, statuslist.LIST_SIZE)
    list_url = status_list_url(number + 1)
    verify_url = _absolute(reverse("training:certificate_verify", args=[certificate.code]))
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_V3],
        "id": verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Attest: {certificate.course_title}",
        "issuer": {
            "id": key.did,
            "type": ["Profile"],
            "name": ISSUER_NAME,
            "url": _absolute("/"),
        },
        "validFrom": _timestamp(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certificate.learner_name,
                }
            ],
            "achievement": _achievement(certificate),
            "creditsEarned": float(certificate.training_hours),
        },
        "credentialStatus": {
            "id": f"{list_url}#{position}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(position),
            "statusListCredential": list_url,
        },
    }
    if certificate.expires_at is not None:
        credential["validUntil"] = _timestamp(certificate.expires_at)
    return credential


def signed_credential(certificate: Certificate) -> dict[str, Any]:
    return proof.sign(
        unsigned_credential(certificate),
        key=signing_key(),
        created=_timestamp(certificate.issued_at),
    )


def signed_status_list(number: int) -> dict[str, Any]:
    """List ``number`` (from 1): a bit set for each revoked certificate in it. Built from the
    database on each request, so revoking in the admin re-signs it at once; revocation is
    final (the spec's "revocation" purpose), so the list only ever gains bits."""
    low = (number - 1) * statuslist.LIST_SIZE
    in_list = Certificate.objects.filter(
        status_list_index__gte=low, status_list_index__lt=low + statuslist.LIST_SIZE
    )
    revoked = in_list.filter(revoked_at__isnull=False)
    positions = [index - low for index in revoked.values_list("status_list_index", flat=True)]
    changed = revoked.aggregate(latest=Max("revoked_at"))["latest"] or LIST_EPOCH
    key = signing_key()
    list_url = status_list_url(number)
    document = {
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": key.did,
        "validFrom": _timestamp(changed),
        "credentialSubject": {
            "id": f"{list_url}#lijst",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": statuslist.encode(positions),
        },
    }
    return proof.sign(document, key=key, created=_timestamp(changed))
