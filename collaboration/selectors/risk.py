"""Reads for risk assessment: the case's risk history (case page and the risk page), the
instruments and people the form offers, and the re-assessments due on the director's
dashboard.

The case functions take the ``CaseAccess`` of ``selectors.cases.case_access`` (access checked
and recorded first). Every assessment of a case is seen by everyone who sees the case."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from portal.audit.events import AuditAction

from ..access import ActorProfile, profile_of
from ..models import (
    FamilyMember,
    LifeDomain,
    Phase,
    RiskAnswer,
    RiskAssessment,
    RiskInstrument,
    RiskQuestion,
)
from ._audit import audit_read
from .cases import CaseAccess

DASHBOARD_LIMIT = 20


@dataclass
class RiskSubject:
    """The case as a whole (``member`` None) or one person at risk, with their assessments,
    oldest first."""

    member: FamilyMember | None
    today: datetime.date
    assessments: list[RiskAssessment] = field(default_factory=list)

    @property
    def current(self) -> RiskAssessment:
        return self.assessments[-1]

    @property
    def review_state(self) -> str:
        """ "due" on the date, "overdue" after it, "" before (Brussels dates)."""
        due = self.current.review_due_on
        if due < self.today:
            return "overdue"
        return "due" if due == self.today else ""


@dataclass
class RiskHistory:
    subjects: list[RiskSubject]
    today: datetime.date

    @property
    def assessments(self) -> list[RiskAssessment]:
        return sorted(
            (a for s in self.subjects for a in s.assessments),
            key=lambda a: (a.assessed_at, a.pk),
            reverse=True,
        )


def risk_history(access: CaseAccess) -> RiskHistory:
    """Every assessment of the case by subject, the case as a whole first: one query."""
    rows = list(
        RiskAssessment.objects.filter(case=access.case)
        .select_related("family_member", "assessed_by")
        .order_by("assessed_at", "pk")
    )
    today = timezone.localdate()
    subjects: dict[int | None, RiskSubject] = {}
    for row in rows:
        subject = subjects.setdefault(row.family_member_id, RiskSubject(row.family_member, today))
        subject.assessments.append(row)
    ordered = sorted(
        subjects.values(), key=lambda s: (s.member is not None, s.member.pk if s.member else 0)
    )
    return RiskHistory(subjects=ordered, today=today)


def answer_rows(assessment: RiskAssessment) -> list[dict[str, Any]]:
    """The assessment's questions as it used them (its own copy), each with its answer."""
    labels = dict(RiskAnswer.choices)
    domains = dict(LifeDomain.choices)
    return [
        {
            **question,
            "domain_label": domains.get(question.get("domain", ""), ""),
            "answer": labels.get(assessment.answers.get(question["key"], ""), "–"),
        }
        for question in assessment.snapshot.get("questions", [])
    ]


def active_instruments() -> list[RiskInstrument]:
    """The instruments offered for a new assessment (the newest version of each), with their
    questions in order."""
    return list(
        RiskInstrument.objects.filter(is_active=True)
        .prefetch_related(
            Prefetch("questions", queryset=RiskQuestion.objects.order_by("position", "pk"))
        )
        .order_by("code", "-version")
    )


def people_at_risk(access: CaseAccess) -> list[FamilyMember]:
    """Family members who can be the subject of an assessment (not removed)."""
    return list(access.case.family_members.filter(removed_at__isnull=True).order_by("pk"))


def risk_reviews_due(*, user: Any, profile: ActorProfile | None = None) -> list[RiskAssessment]:
    """For the case director's dashboard: the latest assessments of the cases they direct whose
    re-assessment date has come or passed (open cases only). Recorded as a list view when it
    lists any. ``profile``: the user's, when the caller built it for this request already."""
    profile = profile_of(user, profile)
    if not profile.is_member:
        return []
    today = timezone.localdate()
    # no savepoint: inside the dashboard's transaction it needs none (two round trips)
    with transaction.atomic(savepoint=False):
        rows = list(
            RiskAssessment.objects.filter(
                is_current=True, review_due_on__lte=today, case__case_director=user
            )
            .exclude(case__phase=Phase.CLOSED)
            .select_related("case", "family_member")
            .order_by("review_due_on", "pk")[:DASHBOARD_LIMIT]
        )
        if rows:
            audit_read(
                action=AuditAction.CASE_LIST_VIEWED,
                profile=profile,
                allowed=True,
                object_type="dashboard",
                purpose="risk_reviews_due",
                extra={"cases_listed": len({r.case_id for r in rows})},
            )
    for row in rows:
        setattr(row, "overdue", row.review_due_on < today)  # noqa: B010
    return rows
