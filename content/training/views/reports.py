"""Managers' reports: a coordinator or organisation admin sees their own organisation's learners
(completions, hours, scores) and exports them as CSV. Every view and export is audited, and a
request for an organisation one does not manage is audited as denied and answered 404."""

from __future__ import annotations

import csv
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.audit.events import AuditAction, Outcome
from portal.audit.writer import record_event

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


def _cell(value: Any) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


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
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vorming-{organisation.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # so spreadsheet programs read UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Naam"),
            _("E-mailadres"),
            _("Soort"),
            _("Titel"),
            _("Datum"),
            _("Voltooid of aanwezig op"),
            _("Gemiddelde beste score (%)"),
            _("Vormingsuren"),
        ]
    )
    for row in rows:
        for course in row.courses:
            writer.writerow(
                [
                    _cell(row.user.full_name),
                    _cell(row.user.email),
                    _("cursus"),
                    _cell(course["title"]),
                    _date(course["enrolled_at"]),
                    _date(course["completed_at"]),
                    "" if course["average_best_score"] is None else course["average_best_score"],
                    course["hours"] if course["completed_at"] else 0,
                ]
            )
        for registration in row.sessions:
            writer.writerow(
                [
                    _cell(row.user.full_name),
                    _cell(row.user.email),
                    _("sessie"),
                    _cell(registration.session.title),
                    _date(registration.session.starts_at),
                    _date(registration.session.starts_at),
                    "",
                    registration.session.training_hours,
                ]
            )
    return response
