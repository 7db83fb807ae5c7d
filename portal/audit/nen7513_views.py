"""``/audit/nen7513.json``: a privacy officer downloads the part of the trail they may read, as
NEN 7513 JSON (``portal.audit.nen7513``), with the same filters as the viewer.

Same gate as the viewer and its CSV (second factor, ``require_audit_reader``); the download is
recorded before it streams, as *Gegevens geëxporteerd* with the format and the filters. A filter
that does not validate is refused (400, the fields named), never widened to the whole scope.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from .access import require_audit_reader
from .events import AuditAction
from .forms import AuditFilterForm
from .nen7513 import EXPORT_FORMAT, export_json
from .selectors import events_for_export
from .views import refuse_invalid_filters
from .writer import record_event


def audit_export_nen7513(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    scope = require_audit_reader(request.user, action=AuditAction.EXPORTED)
    form = AuditFilterForm(request.GET or None)
    refused = refuse_invalid_filters(request, form, scope, export_format=EXPORT_FORMAT)
    if refused is not None:
        return refused
    filters = form.cleaned_data if form.is_bound else {}
    described = {k: str(v) for k, v in filters.items() if v not in (None, "")}
    regions = "*" if scope.everything else ",".join(sorted(scope.regions))
    record_event(
        action=AuditAction.EXPORTED,
        actor=request.user,
        object_type="audit",
        purpose="nen7513_export",
        extra={"format": EXPORT_FORMAT, "filters": described, "regions": regions},
    )
    events = events_for_export(filters, scope, oldest_first=True)
    response = StreamingHttpResponse(
        export_json(events, meta={"filters": described, "regions": regions}),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="auditlogboek-nen7513.json"'
    return response
