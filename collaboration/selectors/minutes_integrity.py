"""Whether stored minutes are the ones that were finalised (issue 18 item 5).

Two checks, both needed: the stored HTML and PDF still have their stored SHA-256 (a changed
text alone), and those hashes are the ones the finalisation wrote into the audit trail (a text
changed with its hash recomputed: the audit trail is append-only and chained, so it keeps the
original). After the retention run replaced the minutes, the replacement's hashes are the
expected ones, and the audit trail records that the case was anonymised.

On PostgreSQL a trigger refuses any change to finalised minutes outside the retention run
(``live_notes`` migration 0009); this check is what the meeting page shows if that protection
was bypassed, by someone with the rights to drop it or by a restored backup.
"""

from __future__ import annotations

import hashlib
import logging

from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent

from ..live_notes.models import Minutes

logger = logging.getLogger(__name__)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def minutes_intact(minutes: Minutes, case_reference: str) -> bool:
    """True when the minutes match their own hashes and the hashes the audit trail holds; a
    mismatch is logged for the operators (the meeting's id only, never content)."""
    intact = _matches(minutes, case_reference)
    if not intact:
        logger.error(
            "Stored minutes of meeting %s do not match their audited hashes", minutes.meeting_id
        )
    return intact


def _matches(minutes: Minutes, case_reference: str) -> bool:
    if _sha256(minutes.html.encode()) != minutes.html_sha256:
        return False
    if _sha256(bytes(minutes.pdf)) != minutes.pdf_sha256:
        return False
    audited = (
        AuditEvent.objects.filter(
            object_type="meeting",
            object_id=str(minutes.meeting_id),
            extra__change="meeting_finalised",
        )
        .order_by("-id")
        .values_list("extra", flat=True)
        .first()
    )
    if audited is None:
        return False  # finalised minutes without the finalisation's record
    if (audited.get("html_sha256"), audited.get("pdf_sha256")) == (
        minutes.html_sha256,
        minutes.pdf_sha256,
    ):
        return True
    # replaced by the retention run: the replacement's own hashes were checked above
    return AuditEvent.objects.filter(
        action=AuditAction.CASE_ANONYMISED, case_reference=case_reference
    ).exists()
