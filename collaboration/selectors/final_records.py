"""The collaboration side's final records for ``portal.audit.final_records``: finalised minutes
and decided referrals (issue 18 item 5).

A referral's decision is what a court may later ask for ("why was this family not taken on,
and who decided when"). Its hash is defined here once, ``referral_decision_sha256``: the
decision services write it into the decision's audit record, the retention run writes the
hash of the anonymised decision into a record of its own, and the check compares the stored
row with the last of those. On PostgreSQL a trigger refuses changing the decision columns of a
decided referral, or removing it, outside the retention run (migration 0021); the trigger names
the same columns as ``REFERRAL_DECISION_FIELDS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from portal.audit.final_records import (
    FinalRecordProblem,
    audited_hashes,
    canonical_sha256,
    hash_problem,
)

from ..live_notes.models import Minutes
from ..models import Referral, ReferralStatus
from .minutes_integrity import minutes_intact

# A decided referral: no service changes these statuses again.
DECIDED = (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED)
# The columns of the decision (the trigger of migration 0021 protects exactly these).
REFERRAL_DECISION_FIELDS = (
    "status",
    "decided_by_id",
    "decided_at",
    "decline_reason",
    "decline_advice",
)
# The key of the hash in an audit record's ``extra``.
DECISION_HASH_KEY = "decision_sha256"


def referral_decision_sha256(referral: Referral) -> str:
    """The SHA-256 of the referral's decision (its id included, so a hash does not fit
    another referral)."""
    fields: dict[str, Any] = {name: getattr(referral, name) for name in REFERRAL_DECISION_FIELDS}
    fields["referral_id"] = referral.pk
    return canonical_sha256(fields)


def minutes_problems() -> Iterator[FinalRecordProblem]:
    """Every finalised minutes the meeting page would warn about (``minutes_integrity``)."""
    for minutes in Minutes.objects.select_related("meeting__case").order_by("pk").iterator():
        if not minutes_intact(minutes, minutes.meeting.case.reference):
            yield FinalRecordProblem(
                "minutes",
                str(minutes.meeting_id),
                "the stored minutes do not match their hashes or those of the finalisation's "
                "audit record",
            )


def referral_problems() -> Iterator[FinalRecordProblem]:
    """Every decided referral whose decision is not the one its audit record hashed."""
    audited = audited_hashes("referral", DECISION_HASH_KEY)
    for referral in Referral.objects.filter(status__in=DECIDED).order_by("pk").iterator():
        problem = hash_problem(
            "referral",
            referral.pk,
            audited.get(str(referral.pk)),
            referral_decision_sha256(referral),
        )
        if problem is not None:
            yield problem
