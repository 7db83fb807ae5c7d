"""The case audit page: who accessed this case (per person and organisation, with a count and
the first and last time), then the events themselves in words, repeated reads grouped.

For the case's director and the privacy officers of its region; the access check and its audit
record are ``case_audit_trail``'s. The counting and the words come from the audit trail's own
modules, so this page and the audit viewer say the same thing the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.audit.presentation import EventRow, describe
from portal.audit.selectors import PersonAccess, access_by_person, group_repeated_reads

from ..models import Case
from .cases import case_audit_trail


@dataclass
class CaseAuditOverview:
    case: Case
    people: list[PersonAccess]
    rows: list[EventRow]


def case_audit_overview(*, user: Any, reference: str) -> CaseAuditOverview:
    """Raises ``NotFoundOrNotAllowed`` like ``case_audit_trail`` (which records the read)."""
    case, events = case_audit_trail(user=user, reference=reference)
    return CaseAuditOverview(
        case=case,
        people=access_by_person(case.reference),
        rows=describe(group_repeated_reads(events)),
    )
