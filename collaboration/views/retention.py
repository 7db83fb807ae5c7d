"""The retention page of the audit area (/audit/bewaartermijnen/): a privacy officer of the
region sees what the periodic task found past its period, confirms it, and later reads the
result (counts per model, never content).

Only privacy officers of the run's region (the portal's membership rule,
``collaboration.access.actor_profile``) see a run; anyone else gets "not found", recorded.
Every view and the confirmation are audit events themselves. Mounted under /audit/ in the
``audit`` namespace (``collaboration/urls_audit_area.py``, wired in ``portal/urls.py``), so the
second-factor gate guards it as it guards the whole audit area.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit.events import AuditAction, Outcome
from portal.audit.writer import record_event

from ..access import actor_profile
from ..services.retention import RETENTION
from ..services.retention_runs import retention_run_confirm, run_for, runs_page_for

# What the counts are about, in the officer's words (the registry's labels are code).
TITLES: dict[str, Any] = {
    "collaboration.Case": gettext_lazy("Dossiers: samenvatting en contactkaart"),
    "collaboration.Referral": gettext_lazy("Aanmeldingen"),
    "collaboration.ConsultRequest": gettext_lazy("Consultvragen"),
    "collaboration.FamilyMember": gettext_lazy("Gezinsleden: naam"),
    "collaboration.CaseParticipant": gettext_lazy("Betrokken professionals: taakverdeling"),
    "collaboration.PhaseTransition": gettext_lazy("Faseovergangen: reden"),
    "collaboration.BreakGlassAccess": gettext_lazy("Noodtoegang: verantwoording"),
    "collaboration.DomainAssessment": gettext_lazy("Verkenning per levensdomein"),
    "collaboration.Goal": gettext_lazy("Doelen van het plan van aanpak"),
    "collaboration.Action": gettext_lazy("Acties van het plan van aanpak"),
    "collaboration.TimelineEntry": gettext_lazy("Tijdlijnitems"),
    "collaboration.CaseDocument": gettext_lazy("Documenten, met hun bestanden"),
    "collaboration.Meeting": gettext_lazy("Overleggen: plaats"),
    "live_notes.NoteUpdate": gettext_lazy("Live notities: wijzigingen"),
    "live_notes.NoteSnapshot": gettext_lazy("Live notities: tussenstanden"),
    "live_notes.LiveConnection": gettext_lazy("Live notities: open verbindingen"),
    "live_notes.AgendaItem": gettext_lazy("Agendapunten"),
    "live_notes.Minutes": gettext_lazy("Verslagen van overleggen (HTML, PDF en notities)"),
    "auditlog.LogEntry": gettext_lazy("Wijzigingsgeschiedenis"),
    "admin.LogEntry": gettext_lazy("Logboek van het technisch beheer"),
}

TREATMENTS = {
    "scrub": gettext_lazy("tekst vervangen"),
    "delete": gettext_lazy("verwijderd"),
}


class RetentionConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "Ik heb nagekeken dat de bewaartermijn van deze gegevens verstreken is en dat ze "
            "geanonimiseerd mogen worden."
        ),
        error_messages={"required": gettext_lazy("Vink aan dat u het voorstel hebt nagekeken.")},
    )


def _require_privacy_officer(user: Any) -> frozenset[str]:
    regions = actor_profile(user).privacy_regions
    if not regions:
        record_event(
            action=AuditAction.AUDIT_VIEWED,
            actor=user,
            outcome=Outcome.DENIED,
            object_type="retention",
        )
        raise Http404
    return regions


def _rows(counts: dict[str, int]) -> list[dict[str, Any]]:
    rows = []
    for label, count in counts.items():
        rule = RETENTION.get(label)
        rows.append(
            {
                "title": TITLES.get(label, capfirst(label)),
                "treatment": TREATMENTS.get(str(rule.treatment), "") if rule else "",
                "count": count,
            }
        )
    return sorted(rows, key=lambda row: str(row["title"]))


def retention_list(request: HttpRequest) -> HttpResponse:
    regions = _require_privacy_officer(request.user)
    open_runs, earlier = runs_page_for(request.user)
    record_event(
        action=AuditAction.AUDIT_VIEWED,
        actor=request.user,
        object_type="retention",
        extra={"regions": ",".join(sorted(regions)), "shown": [r.pk for r in open_runs + earlier]},
    )
    return render(
        request, "audit/retention_list.html", {"open_runs": open_runs, "earlier": earlier}
    )


def retention_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    _require_privacy_officer(request.user)
    run = run_for(user=request.user, run_id=run_id)
    form = RetentionConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            retention_run_confirm(actor=request.user, run_id=run.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Bevestigd. De gegevens worden geanonimiseerd; het resultaat staat hieronder."),
            )
            return HttpResponseRedirect(reverse("audit:retention_detail", args=[run.pk]))
    else:
        record_event(
            action=AuditAction.AUDIT_VIEWED,
            actor=request.user,
            object_type="retention_run",
            object_id=run.pk,
        )
    return render(
        request,
        "audit/retention_detail.html",
        {
            "run": run,
            "form": form,
            "due_rows": _rows(run.due_counts),
            "result_rows": _rows(run.result_counts),
        },
        status=400 if form.errors else 200,
    )
