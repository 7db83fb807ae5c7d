"""Meeting pages and forms: plan, record, move and cancel a meeting on its case; the meeting
page with its live notes, the confidentiality acknowledgement, the preparation, the finalising
and the minutes.

The case forms resolve the case through ``selectors.cases.case_access`` (``CaseFormView``), the
meeting pages the meeting through ``selectors.meetings.meeting_access``: one audited read per
request, 404 for missing and forbidden alike. Each form calls one service of
``services.meetings`` or ``services.minutes``; errors stay on the field they concern. The
meeting pages are mounted under ``/samenwerking/overleg/`` (``live_notes:`` names, from
``collaboration/live_notes/urls.py``), so the second-factor gate covers them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from portal.audit.events import AuditAction

from ..access import Basis, NotFoundOrNotAllowed
from ..choices import MeetingStatus
from ..forms_meetings import (
    AgreedActionForm,
    MeetingCancelForm,
    MeetingForm,
    MeetingRecordForm,
    MeetingRescheduleForm,
    PrepareForm,
)
from ..selectors.meetings import (
    MeetingAccess,
    case_meeting,
    case_people,
    finalise_choices,
    has_acknowledged,
    meeting_access,
    meeting_minutes,
    meeting_page,
    prepare_choices,
)
from ..services import meetings as meeting_services
from ..services import minutes as minutes_services
from .base import ActorRule, CaseFormView
from .legal_bases import SharingBasisMixin

# --- On the case: plan, record, move, cancel ---------------------------------------------


class MeetingAddView(SharingBasisMixin, CaseFormView):
    form_class = MeetingForm
    title = _("Overleg plannen")
    submit_label = _("Plannen")
    success_message = _("Het overleg is gepland en de genodigden zijn verwittigd.")
    anchor = "overleg"

    def form_extra(self) -> dict[str, Any]:
        return {"people": case_people(self.case)}

    def perform(self, form: Any) -> None:
        data = form.cleaned_data
        meeting_services.meeting_schedule(
            actor=self.request.user,
            case=self.case,
            kind=data["kind"],
            starts_at=data["starts_at"],
            place=data["place"],
            invitee_ids=[int(i) for i in data["invitees"]],
            legal_basis_id=self.basis_id(form),
        )


class MeetingRecordView(SharingBasisMixin, CaseFormView):
    form_class = MeetingRecordForm
    title = _("Gehouden overleg vastleggen")
    intro = _(
        "Voor een overleg dat al plaatsvond, bijvoorbeeld gisteren. Daarna kunt u de notities "
        "aanvullen en het verslag afronden."
    )
    submit_label = _("Vastleggen")
    success_message = _("Het gehouden overleg is vastgelegd.")
    anchor = "overleg"

    def form_extra(self) -> dict[str, Any]:
        return {"people": case_people(self.case)}

    def perform(self, form: Any) -> None:
        data = form.cleaned_data
        meeting_services.meeting_record(
            actor=self.request.user,
            case=self.case,
            kind=data["kind"],
            starts_at=data["starts_at"],
            place=data["place"],
            invitee_ids=[int(i) for i in data["invitees"]],
            legal_basis_id=self.basis_id(form),
        )


class _OneMeetingView(CaseFormView):
    """A form about one meeting of the case; another case's meeting is not found."""

    statuses: tuple[str, ...] = ()

    @property
    def meeting(self) -> Any:
        if not hasattr(self, "_meeting"):
            self._meeting = case_meeting(self.access, self.kwargs["meeting_id"], self.statuses)
        return self._meeting

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        meeting = self.meeting
        when = formats.date_format(timezone.localtime(meeting.starts_at), "j F Y H:i")
        subject = f"{meeting.get_kind_display()} · {when} · {meeting.place}"
        return {**super().get_context_data(**kwargs), "subject": subject}


class MeetingRescheduleView(_OneMeetingView):
    form_class = MeetingRescheduleForm
    title = _("Overleg verplaatsen")
    intro = _("De genodigden krijgen een melding van het nieuwe tijdstip of de nieuwe plaats.")
    submit_label = _("Verplaatsen")
    success_message = _("Het overleg is verplaatst.")
    anchor = "overleg"
    statuses = (MeetingStatus.PLANNED, MeetingStatus.HELD)

    def get_initial(self) -> dict[str, Any]:
        meeting = self.meeting
        return {"starts_at": timezone.localtime(meeting.starts_at), "place": meeting.place}

    def perform(self, form: Any) -> None:
        meeting_services.meeting_reschedule(
            actor=self.request.user,
            case=self.case,
            meeting_id=self.meeting.pk,
            starts_at=form.cleaned_data["starts_at"],
            place=form.cleaned_data["place"],
        )


class MeetingCancelView(_OneMeetingView):
    form_class = MeetingCancelForm
    title = _("Overleg annuleren")
    submit_label = _("Overleg annuleren")
    success_message = _("Het overleg is geannuleerd en de genodigden zijn verwittigd.")
    danger = True
    anchor = "overleg"
    statuses = (MeetingStatus.PLANNED,)

    def perform(self, form: Any) -> None:
        meeting_services.meeting_cancel(
            actor=self.request.user,
            case=self.case,
            meeting_id=self.meeting.pk,
            reason=form.cleaned_data["reason"],
        )


# --- The meeting itself: page, acknowledgement, preparation, finalising, minutes -----------

# How often a connected client asks the server for its full state again (y-websocket).
RESYNC_MS = getattr(settings, "LIVE_NOTES_RESYNC_MS", 20_000)


def editor_messages() -> dict[str, str]:
    """The bundle's user-facing strings, translated here and passed through ``json_script``."""
    return {
        "placeholder": gettext("Typ hier de notities van het overleg…"),
        "connecting": gettext("Verbinding maken…"),
        "connected": gettext("Verbonden: wijzigingen worden meteen gedeeld en bewaard."),
        "disconnected": gettext(
            "Verbinding verbroken. Wat u typt blijft bewaard en wordt verzonden zodra de "
            "verbinding terug is."
        ),
        "unavailable": gettext(
            "Live samenwerken lukt niet: er kan geen verbinding gemaakt worden. Hieronder ziet u "
            "de laatst bewaarde notities (alleen lezen)."
        ),
        "ended": gettext("Uw verbinding met dit overleg is beëindigd. Laad de pagina opnieuw."),
        "refused": gettext(
            "Uw laatste wijziging kon niet bewaard worden: ze is te groot of bevat opmaak die "
            "de notities niet kennen. Laad de pagina opnieuw."
        ),
        "full": gettext(
            "De notities van dit overleg hebben hun maximale omvang bereikt: er kan niets meer "
            "bij bewaard worden."
        ),
        "acknowledge": gettext("Bevestig eerst de vertrouwelijkheidsverklaring."),
        "toolbar": gettext("Opmaak"),
        "bold": gettext("Vet"),
        "italic": gettext("Cursief"),
        "underline": gettext("Onderstreept"),
        "clean": gettext("Opmaak wissen"),
        "ordered": gettext("Genummerde lijst"),
        "bullet": gettext("Opsomming"),
        "heading": gettext("Kopniveau"),
        "headingLevel": gettext("Kop %s"),
        "paragraph": gettext("Gewone tekst"),
        "readsOnly": gettext("leest mee"),
    }


def base_context(access: MeetingAccess) -> dict[str, Any]:
    return {
        "meeting": access.meeting,
        "case": access.case,
        "can_edit": access.can_edit,
        "can_direct": access.can_direct,
        "is_break_glass": access.basis == Basis.BREAK_THE_GLASS,
    }


class MeetingNotesView(TemplateView):
    """The meeting page: details, agenda, who is present, and the live notes."""

    actor_rule = ActorRule.CASE_READ
    template_name = "live_notes/meeting.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.access = meeting_access(user=request.user, meeting_id=kwargs["meeting_id"])
        if not has_acknowledged(user=request.user, meeting_id=self.access.meeting.pk):
            return render(request, "live_notes/acknowledge.html", base_context(self.access))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        access = self.access
        page = meeting_page(access)
        return {
            **super().get_context_data(**kwargs),
            **base_context(access),
            "agenda": page.agenda,
            "attendance": page.attendance,
            # Escaped by construction (document.to_html escapes every text run).
            "saved_notes": mark_safe(page.notes_html),  # noqa: S308
            "ws_path": f"/ws/samenwerking/overleg/{access.meeting.pk}",
            "resync_ms": RESYNC_MS,
            "editor_messages": editor_messages(),
            "minutes": page.minutes,
            "minutes_intact": page.minutes_intact,
        }


class AcknowledgeView(View):
    """POST: the participant confirms the confidentiality statement, then joins the notes."""

    actor_rule = ActorRule.CASE_READ

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting_access(user=request.user, meeting_id=meeting_id)
        return HttpResponseRedirect(reverse("live_notes:meeting", args=[meeting_id]))

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        access = meeting_access(user=request.user, meeting_id=meeting_id, purpose="acknowledge")
        if request.POST.get("confirm") != "yes":
            context = base_context(access) | {
                "error": _("Vink aan dat u de vertrouwelijkheidsverklaring bevestigt."),
            }
            return render(request, "live_notes/acknowledge.html", context, status=400)
        meeting_services.confidentiality_acknowledge(actor=request.user, meeting_id=meeting_id)
        messages.success(request, _("Bevestigd. U kunt nu meeschrijven."))
        return HttpResponseRedirect(reverse("live_notes:meeting", args=[meeting_id]))


def _directed_access(request: HttpRequest, meeting_id: int, purpose: str) -> MeetingAccess:
    """The meeting for a case director's page: 404 for anyone else and once it is settled."""
    access = meeting_access(user=request.user, meeting_id=meeting_id, purpose=purpose)
    if not access.can_direct or not access.can_edit:
        raise NotFoundOrNotAllowed
    return access


class PrepareView(View):
    """Agenda, attendance and apologies, and the start of the meeting (case director)."""

    actor_rule = ActorRule.CASE_DIRECT
    template_name = "live_notes/prepare.html"

    def _setup(
        self, request: HttpRequest, meeting_id: int, data: Any = None
    ) -> tuple[MeetingAccess, PrepareForm, list[Any]]:
        access = _directed_access(request, meeting_id, "prepare")
        choices = prepare_choices(access)
        form = PrepareForm(
            data, initial=choices.initial, people=choices.people, family=choices.family
        )
        return access, form, choices.people

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        access, form, _people = self._setup(request, meeting_id)
        return render(request, self.template_name, base_context(access) | {"form": form})

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        access, form, people = self._setup(request, meeting_id, request.POST)
        if not form.is_valid():
            context = base_context(access) | {"form": form}
            return render(request, self.template_name, context, status=400)
        data = form.cleaned_data
        meeting_services.meeting_prepare(
            actor=request.user,
            meeting_id=meeting_id,
            agenda=data["agenda"].splitlines(),
            attendance={p.pk: data.get(f"person_{p.pk}") or "" for p in people},
            family_present=[int(i) for i in data.get("family", [])],
            started=data["started"],
        )
        messages.success(request, _("Het overleg is bijgewerkt."))
        return HttpResponseRedirect(reverse("live_notes:meeting", args=[meeting_id]))


class FinaliseView(View):
    """The case director closes the meeting: minutes fixed, agreed actions into the plan."""

    actor_rule = ActorRule.CASE_DIRECT
    template_name = "live_notes/finalise.html"
    extra_rows = 3

    def _formset(self, access: MeetingAccess, data: Any = None) -> tuple[Any, Any]:
        choices = finalise_choices(access)
        formset_class = forms.formset_factory(AgreedActionForm, extra=self.extra_rows)
        formset = formset_class(
            data,
            prefix="actie",
            form_kwargs={
                "goals": choices.goals,
                "organisations": choices.organisations,
                "people": choices.people,
            },
        )
        return formset, choices

    def _render(
        self,
        request: HttpRequest,
        access: MeetingAccess,
        formset: Any,
        goals: list[Any],
        status: int = 200,
    ) -> HttpResponse:
        context = base_context(access) | {"formset": formset, "goals": goals}
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        access = _directed_access(request, meeting_id, "finalise")
        formset, choices = self._formset(access)
        return self._render(request, access, formset, choices.goals)

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        access = _directed_access(request, meeting_id, "finalise")
        formset, choices = self._formset(access, request.POST)
        if not formset.is_valid():
            return self._render(request, access, formset, choices.goals, status=400)
        people = {str(person.pk): person for person in choices.people}
        agreed = [
            minutes_services.AgreedAction(
                goal_id=int(data["goal"]),
                description=data["description"],
                organisation_id=int(data["organisation"]),
                responsible=people.get(data.get("responsible") or ""),
                due_date=data.get("due_date"),
            )
            for data in formset.cleaned_data
            if data
        ]
        try:
            minutes_services.meeting_finalise(
                actor=request.user, meeting_id=meeting_id, actions=agreed
            )
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
            return self._render(request, access, formset, choices.goals, status=400)
        messages.success(request, _("Het overleg is afgerond; het verslag is vastgelegd."))
        return HttpResponseRedirect(reverse("live_notes:meeting", args=[meeting_id]))


class MinutesPdfView(View):
    actor_rule = ActorRule.CASE_READ

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        access = meeting_access(
            user=request.user,
            meeting_id=meeting_id,
            action=AuditAction.DOCUMENT_DOWNLOADED,
            purpose="minutes_pdf",
            with_legal_basis=True,
        )
        minutes = meeting_minutes(access)
        response = HttpResponse(bytes(minutes.pdf), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="verslag-{access.case.reference}-{meeting_id}.pdf"'
        )
        response["X-Content-SHA256"] = minutes.pdf_sha256
        return response
