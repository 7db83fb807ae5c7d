"""Retention: closed cases are anonymised after ``CASE_RETENTION_YEARS`` (default 5).

What is scrubbed is listed explicitly per model (``SCRUBBED_FIELDS``); a test checks that every
text field of the collaboration models is either scrubbed or named in ``KEPT_FIELDS`` with a
reason, so a new field cannot slip past. The pseudonymous skeleton (reference, region, phases,
dates, counts) stays for statistics. The change history of scrubbed objects loses its values
too, or the old text would live on there. Our own audit trail holds no content and stays whole.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from portal.audit.events import AuditAction
from portal.audit.writer import record_event

from ..models import (
    Action,
    Case,
    CaseDocument,
    CaseParticipant,
    ConsultRequest,
    DomainAssessment,
    FamilyMember,
    Goal,
    Meeting,
    PhaseTransition,
    Referral,
    TimelineEntry,
)

REDACTED = "[geanonimiseerd]"

REFERRAL_TEXT = (
    "family_composition",
    "criterion_complexity",
    "criterion_multiple_domains",
    "criterion_stuck_help",
    "services_involved",
    "decline_reason",
    "decline_advice",
)
CONSULT_TEXT = ("name", "organisation", "email", "phone", "question", "answer")

# model -> (how to reach its rows from a case, fields to scrub)
SCRUBBED_FIELDS: dict[type[models.Model], tuple[str, tuple[str, ...]]] = {
    Case: ("pk", ("closing_summary", "contact_card")),
    FamilyMember: ("case", ("name",)),
    CaseParticipant: ("case", ("task_division",)),
    PhaseTransition: ("case", ("reason",)),
    DomainAssessment: ("case", ("strengths", "worries", "concerns", "wishes")),
    Goal: ("plan__case", ("description",)),
    Action: ("goal__plan__case", ("description", "status_reason")),
    TimelineEntry: ("case", ("title", "body")),
    Meeting: ("case", ("place",)),
    Referral: ("case", REFERRAL_TEXT),
}

# Text fields deliberately kept, with the reason (checked by a test).
KEPT_FIELDS: dict[str, str] = {
    "Case.reference": "pseudonymous reference, needed for statistics and the audit trail",
    "CaseParticipant.role_in_case": "a professional's role, not data about the family",
    "CaseDocument.*": "documents are deleted whole",
    "BreakGlassAccess.justification": "accountability for an access; kept with the audit trail",
    "CaseDocument.title": "documents are deleted whole",
    "ConsultRequest.*": "consult questions have their own period (CONSULT_RETENTION_YEARS), below",
    "Invitation.*": "about staff, not families; invitations expire",
    "Organisation.name": "a service, not a person",
    "Notification.*": "a link and a pseudonymous reference only",
}


@dataclass
class AnonymisationReport:
    cases: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    documents: int = 0


def cases_due(now: dt.datetime | None = None) -> models.QuerySet[Case]:
    years = int(getattr(settings, "CASE_RETENTION_YEARS", 5))
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=round(365.25 * years))
    # An anonymised case carries REDACTED as its closing summary, which closing always requires.
    return Case.objects.filter(closed_at__isnull=False, closed_at__lt=cutoff).exclude(
        closing_summary=REDACTED
    )


def _scrub_value(model_field: models.Field) -> str:
    return REDACTED[: model_field.max_length or len(REDACTED)]


def anonymise_case(case: Case, *, dry_run: bool, report: AnonymisationReport) -> None:
    """Scrub one case; with ``dry_run`` only count what would change."""
    report.cases.append(case.reference)
    for model, (path, names) in SCRUBBED_FIELDS.items():
        lookup = {"pk": case.pk} if path == "pk" else {path: case.pk}
        _scrub_rows(model, model.objects.filter(**lookup), names, dry_run=dry_run, report=report)
    documents = list(CaseDocument.objects.filter(case=case))
    report.documents += len(documents)
    if not dry_run:
        for document in documents:
            document.file.delete(save=False)
            document_id = document.pk
            document.delete()
            _forget_history(CaseDocument, [document_id])
        record_event(
            action=AuditAction.CASE_CHANGED,
            object_type="case",
            object_id=case.pk,
            case_reference=case.reference,
            purpose="bewaartermijn verstreken: dossier geanonimiseerd",
            extra={"change": "anonymised"},
        )


def _forget_history(model: type[models.Model], ids: list[Any]) -> None:
    content_type = ContentType.objects.get_for_model(model)
    LogEntry.objects.filter(content_type=content_type, object_pk__in=[str(i) for i in ids]).update(
        changes={}, changes_text="", object_repr=REDACTED, serialized_data=None
    )


def _scrub_rows(
    model: type[models.Model],
    rows: models.QuerySet,
    names: tuple[str, ...],
    *,
    dry_run: bool,
    report: AnonymisationReport,
) -> None:
    ids = list(rows.values_list("pk", flat=True))
    report.rows[model.__name__] = report.rows.get(model.__name__, 0) + len(ids)
    if dry_run or not ids:
        return
    for obj in rows:
        for name in names:
            setattr(obj, name, _scrub_value(model._meta.get_field(name)))
        obj.save(update_fields=list(names))
    _forget_history(model, ids)


def _years_ago(years: int, now: dt.datetime | None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=round(365.25 * years))


def anonymise_due_cases(
    *, dry_run: bool = True, now: dt.datetime | None = None
) -> AnonymisationReport:
    """Closed cases, declined referrals and finished consult questions past their periods."""
    report = AnonymisationReport()
    for case in cases_due(now):
        with transaction.atomic():
            anonymise_case(case, dry_run=dry_run, report=report)
    case_years = int(getattr(settings, "CASE_RETENTION_YEARS", 5))
    consult_years = int(getattr(settings, "CONSULT_RETENTION_YEARS", 2))
    with transaction.atomic():
        declined = Referral.objects.filter(
            status="declined", decided_at__lt=_years_ago(case_years, now)
        ).exclude(family_composition=REDACTED)
        _scrub_rows(Referral, declined, REFERRAL_TEXT, dry_run=dry_run, report=report)
        finished = ConsultRequest.objects.filter(
            status__in=["closed", "converted", "answered"],
            created_at__lt=_years_ago(consult_years, now),
        ).exclude(question=REDACTED)
        _scrub_rows(ConsultRequest, finished, CONSULT_TEXT, dry_run=dry_run, report=report)
    return report
