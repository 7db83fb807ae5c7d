"""Meeting pages: the live notes page, the confidentiality acknowledgement, the minutes.

Each view resolves the meeting through ``selectors.meeting_access`` (audited, 404 for missing
and forbidden alike) and calls one service. Mounted under ``/samenwerking/overleg/`` from
``portal/urls.py``, so the second-factor gate covers them.
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
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from collaboration.access import Basis, NotFoundOrNotAllowed
from collaboration.forms import ActionForm
from collaboration.models import CaseParticipant, FamilyMember, Organisation
from collaboration.services.cases import current_plan
from collaboration.views.base import ActorRule
from collaboration.views.cases import _case_people as case_people
from portal.audit.events import AuditAction

from . import document
from .finalise import AgreedAction, meeting_finalise
from .models import AgendaItem, Attendance, AttendanceStatus, Minutes
from .selectors import MeetingAccess, has_acknowledged, meeting_access
from .services import confidentiality_acknowledge, meeting_prepare

# How often a connected client asks the server for its full state again (y-websocket).
RESYNC_MS = getattr(settings, "LIVE_NOTES_RESYNC_MS", 20_000)


def editor_messages() -> dict[str, str]:
    """The bundle's user-facing strings, translated here and passed through ``json_script``."""
    return {
        "placeholder": _("Typ hier de notities van het overleg…"),
        "connecting": _("Verbinding maken…"),
        "connected": _("Verbonden: wijzigingen worden meteen gedeeld en bewaard."),
        "disconnected": _(
            "Verbinding verbroken. Wat u typt blijft bewaard en wordt verzonden zodra de "
            "verbinding terug is."
        ),
        "unavailable": _(
            "Live samenwerken lukt niet: er kan geen verbinding gemaakt worden. Hieronder ziet u "
            "de laatst bewaarde notities (alleen lezen)."
        ),
        "ended": _("Uw verbinding met dit overleg is beëindigd. Laad de pagina opnieuw."),
        "refused": _(
            "Uw laatste wijziging kon niet bewaard worden: ze is te groot of bevat opmaak die "
            "de notities niet kennen. Laad de pagina opnieuw."
        ),
        "full": _(
            "De notities van dit overleg hebben hun maximale omvang bereikt: er kan niets meer "
            "bij bewaard worden."
        ),
        "acknowledge": _("Bevestig eerst de vertrouwelijkheidsverklaring."),
        "toolbar": _("Opmaak"),
        "bold": _("Vet"),
        "italic": _("Cursief"),
        "underline": _("Onderstreept"),
        "clean": _("Opmaak wissen"),
        "ordered": _("Genummerde lijst"),
        "bullet": _("Opsomming"),
        "heading": _("Kopniveau"),
        "headingLevel": _("Kop %s"),
        "paragraph": _("Gewone tekst"),
        "readsOnly": _("leest mee"),
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
        meeting = access.meeting
        stored = document.stored_update(meeting.pk)
        minutes = getattr(meeting, "minutes", None) if meeting.status == "finalised" else None
        return {
            **super().get_context_data(**kwargs),
            **base_context(access),
            "agenda": list(AgendaItem.objects.filter(meeting=meeting)),
            "attendance": list(
                Attendance.objects.filter(meeting=meeting).select_related(
                    "user", "organisation", "family_member"
                )
            ),
            # Escaped by construction (document.to_html escapes every text run).
            "saved_notes": mark_safe(document.to_html(stored)),  # noqa: S308
            "ws_path": f"/ws/samenwerking/overleg/{meeting.pk}",
            "resync_ms": RESYNC_MS,
            "editor_messages": editor_messages(),
            "minutes": minutes,
        }


class AcknowledgeView(View):
    """POST: the participant confirms the confidentiality statement, then joins the notes."""

    actor_rule = ActorRule.CASE_READ

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting_access(user=request.user, meeting_id=meeting_id)
        return HttpResponseRedirect(reverse("live_notes:meeting", args=[meeting_id]))

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        if request.POST.get("confirm") != "yes":
            access = meeting_access(user=request.user, meeting_id=meeting_id)
            context = base_context(access) | {
                "error": _("Vink aan dat u de vertrouwelijkheidsverklaring bevestigt."),
            }
            return render(request, "live_notes/acknowledge.html", context, status=400)
        confidentiality_acknowledge(actor=request.user, meeting_id=meeting_id)
        messages.success(request, _("Bevestigd. U kunt nu meeschrijven."))
        return HttpResponseRedirect(reverse("live_notes:meeting", args=[meeting_id]))


class AgreedActionForm(ActionForm):
    """``ActionForm`` with empty first choices, so untouched rows stay empty (and optional)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (("goal", _("Kies een doel")), ("organisation", _("Kies een dienst"))):
            self.fields[name].choices = [("", label), *self.fields[name].choices]


class FinaliseView(View):
    """The case director closes the meeting: minutes fixed, agreed actions into the plan."""

    actor_rule = ActorRule.CASE_DIRECT
    template_name = "live_notes/finalise.html"
    extra_rows = 3

    def _access(self, request: HttpRequest, meeting_id: int) -> MeetingAccess:
        access = meeting_access(user=request.user, meeting_id=meeting_id, purpose="finalise")
        if not access.can_direct or not access.can_edit:
            raise NotFoundOrNotAllowed
        return access

    def _formset(self, access: MeetingAccess, data: Any = None) -> Any:
        case = access.case
        plan = current_plan(case)
        goals = list(plan.goals.all()) if plan else []
        organisation_ids = CaseParticipant.objects.filter(case=case, is_active=True).values(
            "organisation_id"
        )
        formset_class = forms.formset_factory(AgreedActionForm, extra=self.extra_rows)
        return formset_class(
            data,
            prefix="actie",
            form_kwargs={
                "goals": goals,
                "organisations": Organisation.objects.filter(pk__in=organisation_ids),
                "people": case_people(case),
            },
        ), goals

    def _render(
        self,
        request: HttpRequest,
        access: MeetingAccess,
        formset: Any,
        goals: list,
        status: int = 200,
    ) -> HttpResponse:
        context = base_context(access) | {"formset": formset, "goals": goals}
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        access = self._access(request, meeting_id)
        formset, goals = self._formset(access)
        return self._render(request, access, formset, goals)

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        from portal.accounts.models import User

        access = self._access(request, meeting_id)
        formset, goals = self._formset(access, request.POST)
        if not formset.is_valid():
            return self._render(request, access, formset, goals, status=400)
        agreed = []
        for data in formset.cleaned_data:
            if not data:
                continue
            responsible = (
                User.objects.filter(pk=data["responsible"]).first()
                if data.get("responsible")
                else None
            )
            agreed.append(
                AgreedAction(
                    goal_id=int(data["goal"]),
                    description=data["description"],
                    organisation_id=int(data["organisation"]),
                    responsible=responsible,
                    due_date=data.get("due_date"),
                )
            )
        try:
            meeting_finalise(actor=request.user, meeting_id=meeting_id, actions=agreed)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
            return self._render(request, access, formset, goals, status=400)
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
        )
        minutes = Minutes.objects.filter(meeting=access.meeting).first()
        if minutes is None:
            raise NotFoundOrNotAllowed
        response = HttpResponse(bytes(minutes.pdf), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="verslag-{access.case.reference}-{meeting_id}.pdf"'
        )
        response["X-Content-SHA256"] = minutes.pdf_sha256
        return response


class PrepareForm(forms.Form):
    agenda = forms.CharField(
        label=_("Agenda"),
        help_text=_("Eén agendapunt per regel."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )
    started = forms.BooleanField(label=_("Het overleg is begonnen"), required=False)

    def __init__(self, *args: Any, people: Any = (), family: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Niet ingevuld")), *AttendanceStatus.choices]
        for person in people:
            self.fields[f"person_{person.pk}"] = forms.ChoiceField(
                label=person.full_name, choices=choices, required=False, widget=forms.RadioSelect
            )
        if family:
            self.fields["family"] = forms.MultipleChoiceField(
                label=_("Aanwezige gezinsleden"),
                choices=[(m.pk, m.get_family_role_display()) for m in family],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )


class PrepareView(View):
    """Agenda, attendance and apologies, and the start of the meeting (case director)."""

    actor_rule = ActorRule.CASE_DIRECT
    template_name = "live_notes/prepare.html"

    def _setup(self, request: HttpRequest, meeting_id: int, data: Any = None) -> tuple:
        access = meeting_access(user=request.user, meeting_id=meeting_id, purpose="prepare")
        if not access.can_direct or not access.can_edit:
            raise NotFoundOrNotAllowed
        people = case_people(access.case)
        family = list(FamilyMember.objects.filter(case=access.case))
        initial: dict[str, Any] = {
            "agenda": "\n".join(
                AgendaItem.objects.filter(meeting=access.meeting).values_list("title", flat=True)
            ),
            "started": access.meeting.status == "live",
        }
        for row in Attendance.objects.filter(meeting=access.meeting):
            if row.user_id:
                initial[f"person_{row.user_id}"] = row.status
        initial["family"] = [
            str(i)
            for i in Attendance.objects.filter(
                meeting=access.meeting, family_member__isnull=False
            ).values_list("family_member_id", flat=True)
        ]
        form = PrepareForm(data, initial=initial, people=people, family=family)
        return access, form, people

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        access, form, _people = self._setup(request, meeting_id)
        return render(request, self.template_name, base_context(access) | {"form": form})

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        access, form, people = self._setup(request, meeting_id, request.POST)
        if not form.is_valid():
            context = base_context(access) | {"form": form}
            return render(request, self.template_name, context, status=400)
        data = form.cleaned_data
        meeting_prepare(
            actor=request.user,
            meeting_id=meeting_id,
            agenda=data["agenda"].splitlines(),
            attendance={p.pk: data.get(f"person_{p.pk}") or "" for p in people},
            family_present=[int(i) for i in data.get("family", [])],
            started=data["started"],
        )
        messages.success(request, _("Het overleg is bijgewerkt."))
        return HttpResponseRedirect(reverse("live_notes:meeting", args=[meeting_id]))
