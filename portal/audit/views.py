"""The audit area (/audit/): privacy officers filter, page through and export the trail.

The second-factor gate guards /audit/ like every protected area; ``require_audit_reader``
adds the role check. Each view and export is recorded as an audit event itself.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from .access import require_audit_reader
from .events import AuditAction
from .forms import AuditFilterForm
from .selectors import filtered_events, page_of_events
from .writer import record_event

CSV_COLUMNS = [
    "id",
    "occurred_at_utc",
    "action",
    "outcome",
    "user",
    "organisation",
    "role",
    "object_type",
    "object_id",
    "case_reference",
    "purpose",
    "ip_address",
    "session_ref",
    "correlation_id",
    "hash",
]


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, dict[str, Any]]:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, filters


def _describe(filters: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in filters.items() if v not in (None, "")}


def audit_log(request: HttpRequest) -> HttpResponse:
    require_audit_reader(request.user)
    form, filters = _filters(request)
    try:
        before = int(request.GET["voor"]) if request.GET.get("voor") else None
    except ValueError:
        before = None
    events, next_before = page_of_events(filters, before=before)
    record_event(
        action=AuditAction.AUDIT_VIEWED,
        actor=request.user,
        object_type="audit",
        extra={"filters": _describe(filters), "shown": [e.pk for e in events]},
    )
    query = request.GET.copy()
    query.pop("voor", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "events": events,
            "next_before": next_before,
            "query": query.urlencode(),
            "is_first_page": before is None,
        },
    )


def _csv_rows(events: Any) -> Iterator[str]:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for event in events.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                event.pk,
                event.occurred_at.astimezone(dt.UTC).isoformat(),
                event.get_action_display(),
                event.outcome,
                event.actor_label,
                event.organisation,
                event.role,
                event.object_type,
                event.object_id,
                event.case_reference,
                event.purpose,
                event.ip_address or "",
                event.session_ref,
                event.correlation_id,
                event.hash,
            ]
        )


def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    require_audit_reader(request.user, action=AuditAction.EXPORTED)
    _form, filters = _filters(request)
    record_event(
        action=AuditAction.EXPORTED,
        actor=request.user,
        object_type="audit",
        extra={"filters": _describe(filters)},
    )
    response = StreamingHttpResponse(
        _csv_rows(filtered_events(filters)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="auditlogboek.csv"'
    response["Cache-Control"] = "no-store"
    return response
