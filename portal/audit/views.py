"""The audit area (/audit/): privacy officers filter, page through and export the trail of
their own regions.

The second-factor gate guards /audit/ like every protected area; ``require_audit_reader``
adds the role check and the scope. Each view and export is recorded as an audit event itself.
Rows are shown in words (``presentation``), repeated reads grouped (``selectors``). The export
has Dutch headers and values and goes through the portal's one CSV writer
(``portal.csv_export``), which neutralises formulas: a sign-in name such as ``=HYPERLINK(…)``
is typed by anyone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.csv_export import csv_response

from . import labels
from .access import AuditScope, require_audit_reader
from .events import AuditAction, Outcome
from .forms import AuditFilterForm
from .presentation import describe, describe_events
from .selectors import events_for_export, page_of_events
from .writer import record_event

if TYPE_CHECKING:  # an annotation only; rows come from the selectors
    from .models import AuditEvent

CSV_COLUMNS = [
    _("Nummer"),
    _("Tijdstip (UTC)"),
    _("Handeling"),
    _("Resultaat"),
    _("Naam"),
    _("Organisatie"),
    _("Aanmeldnaam"),
    _("Grond of rol"),
    _("Object"),
    _("Soort object"),
    _("Object-id"),
    _("Dossier"),
    _("Doel of verantwoording"),
    _("Adres"),
    _("Sessie"),
    _("Correlatie-id"),
    _("Hash"),
]
CSV_BATCH = 1000


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, dict[str, Any]]:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, filters


def refuse_invalid_filters(
    request: HttpRequest, form: AuditFilterForm, scope: AuditScope, *, export_format: str
) -> HttpResponse | None:
    """An export with a filter that does not validate is refused (400), never widened to the
    whole scope: the page names the fields, keeps what was typed, and nothing is exported. The
    refusal is recorded like a refused export, with the fields' names (not what was typed)."""
    if not form.is_bound or form.is_valid():
        return None
    record_event(
        action=AuditAction.EXPORTED,
        actor=request.user,
        outcome=Outcome.DENIED,
        object_type="audit",
        purpose="invalid_filters",
        extra={
            "format": export_format,
            "invalid": sorted(form.errors),
            "regions": _describe_scope(scope),
        },
    )
    return render(request, "audit/export_refused.html", {"form": form}, status=400)


def _describe(filters: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in filters.items() if v not in (None, "")}


def _describe_scope(scope: AuditScope) -> str:
    return "*" if scope.everything else ",".join(sorted(scope.regions))


def audit_log(request: HttpRequest) -> HttpResponse:
    scope = require_audit_reader(request.user)
    form, filters = _filters(request)
    try:
        before = int(request.GET["voor"]) if request.GET.get("voor") else None
    except ValueError:
        before = None
    groups, next_before = page_of_events(filters, scope, before=before)
    record_event(
        action=AuditAction.AUDIT_VIEWED,
        actor=request.user,
        object_type="audit",
        extra={
            "filters": _describe(filters),
            "regions": _describe_scope(scope),
            "shown": [e.pk for group in groups for e in group.events],
        },
    )
    query = request.GET.copy()
    query.pop("voor", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "rows": describe(groups),
            "next_before": next_before,
            "query": query.urlencode(),
            "is_first_page": before is None,
        },
    )


def _csv_batches(events: Iterable[AuditEvent]) -> Iterator[list[AuditEvent]]:
    batch: list[AuditEvent] = []
    for event in events:
        batch.append(event)
        if len(batch) == CSV_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _csv_rows(events: Iterable[AuditEvent]) -> Iterator[list[Any]]:
    """Every event in words, one line each (no grouping: the export is the full record).
    Labels are resolved per batch, so a long export runs a bounded number of queries per
    thousand rows."""
    for batch in _csv_batches(events):
        for row in describe_events(batch):
            event = row.event
            kind = labels.object_type_label(event.object_type)
            yield [
                event.pk,
                event.occurred_at.astimezone(dt.UTC).isoformat(),
                row.action,
                row.outcome,
                row.who_name,
                row.who_organisation,
                event.actor_label,
                labels.words_for_role(event.role),
                row.object,
                str(kind) if kind is not None else event.object_type,
                event.object_id,
                event.case_reference,
                labels.words_for_purpose(event.purpose),
                event.ip_address or "",
                event.session_ref,
                event.correlation_id,
                event.hash,
            ]


def audit_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    scope = require_audit_reader(request.user, action=AuditAction.EXPORTED)
    form, filters = _filters(request)
    refused = refuse_invalid_filters(request, form, scope, export_format="csv")
    if refused is not None:
        return refused
    record_event(
        action=AuditAction.EXPORTED,
        actor=request.user,
        object_type="audit",
        extra={"filters": _describe(filters), "regions": _describe_scope(scope)},
    )
    return csv_response(
        filename="auditlogboek.csv",
        header=CSV_COLUMNS,
        rows=_csv_rows(events_for_export(filters, scope)),
        streaming=True,
    )
