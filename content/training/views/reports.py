"""Managers' reports: a coordinator or organisation admin sees their own organisation's learners
(completions, hours, scores) and exports them as CSV. Every view and export is audited, and a
request for an organisation one does not manage is audited as denied and answered 404."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.audit.events import AuditAction, Outcome
from portal.audit.writer import record_event
from portal.csv_export import csv_response

from ..selectors import managed_organisations, organisation_report


def _organisation_for(request: HttpRequest) -> tuple[Any, list[Any]]:
    user = request.user
    if not (user.is_authenticated and user.is_verified()):
        raise Http404
    organisations = managed_organisations(user)
    if not organisations:
        raise Http404
    wanted = request.GET.get("organisatie")
    if not wanted:
        return organisations[0], organisations
    chosen = next((o for o in organisations if str(o.pk) == wanted), None)
    if chosen is None:
        record_event(
            action=AuditAction.TRAINING_REPORT_VIEWED,
            actor=user,
            outcome=Outcome.DENIED,
            object_type="training_report",
            object_id=wanted[:20],
            purpose="training_report",
        )
        raise Http404
    return chosen, organisations


@never_cache
def report(request: HttpRequest) -> HttpResponse:
    organisation, organisations = _organisation_for(request)
    rows = organisation_report(organisation=organisation)
    record_event(
        action=AuditAction.TRAINING_REPORT_VIEWED,
        actor=request.user,
        organisation=organisation.name,
        object_type="training_report",
        object_id=organisation.pk,
        purpose="training_report",
        extra={"format": "html", "learners": len(rows)},
    )
    return render(
        request,
        "training/report.html",
        {"organisation": organisation, "organisations": organisations, "rows": rows},
    )


def _date(value: Any) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


@never_cache
def report_csv(request: HttpRequest) -> HttpResponse:
    organisation, _organisations = _organisation_for(request)
    rows = organisation_report(organisation=organisation)
    record_event(
        action=AuditAction.TRAINING_REPORT_VIEWED,
        actor=request.user,
        organisation=organisation.name,
        object_type="training_report",
        object_id=organisation.pk,
        purpose="training_report",
        extra={"format": "csv", "learners": len(rows)},
    )
    header = [
        _("Naam"),
        _("E-mailadres"),
        _("Soort"),
        _("Titel"),
        _("Datum"),
        _("Voltooid of aanwezig op"),
        _("Gemiddelde beste score (%)"),
        _("Vormingsuren"),
    ]
    return csv_response(
        filename=f"vorming-{organisation.pk}.csv",
        header=header,
        rows=_report_rows(rows),
        delimiter=";",
    )


def _report_rows(rows: list[Any]) -> Iterator[list[Any]]:
    """One line per course and per attended session; cells neutralised by the CSV writer."""
    for row in rows:
        for course in row.courses:
            yield [
                row.user.full_name,
                row.user.email,
                _("cursus"),
                course["title"],
                _date(course["enrolled_at"]),
                _date(course["completed_at"]),
                course["average_best_score"],
                course["hours"] if course["completed_at"] else 0,
            ]
        for registration in row.sessions:
            yield [
                row.user.full_name,
                row.user.email,
                _("sessie"),
                registration.session.title,
                _date(registration.session.starts_at),
                _date(registration.session.starts_at),
                "",
                registration.session.training_hours,
            ]
