"""Recording the hashes final records lack (``portal.audit.final_records``'s baseline): a
referral decided before its decision's hash went into the audit trail."""

from __future__ import annotations

from ..models import Referral
from ..selectors.final_records import DECIDED, DECISION_HASH_KEY, referral_decision_sha256


def referral_baseline() -> int:
    """Record the decision hash of every decided referral the trail has none for."""
    from portal.audit.final_records import audited_hashes, record_baseline

    audited = audited_hashes("referral", DECISION_HASH_KEY)
    recorded = 0
    for referral in Referral.objects.filter(status__in=DECIDED).order_by("pk").iterator():
        if str(referral.pk) not in audited:
            record_baseline(
                "referral", referral.pk, DECISION_HASH_KEY, referral_decision_sha256(referral)
            )
            recorded += 1
    return recorded
