"""Case pages: dashboard, search, the case workspace and its forms, downloads, audit trail."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from ..access import Basis, NotFoundOrNotAllowed, can_direct
from ..choices import CLOSURE_CRITERIA, LifeDomain, Phase
from ..forms import (
    ActionForm,
    AssessmentForm,
    CaseSearchForm,
    DocumentForm,
    FamilyMemberForm,
    GoalForm,
    NarrowAudienceForm,
    ParticipantForm,
    PhaseChangeForm,
    PresentedForm,
    RemovalForm,
    ReopenForm,
    RetractForm,
    TimelineEntryForm,
)
from ..selectors.case_audit import case_audit_overview
from ..selectors.case_forms import (
    action_form_choices,
    case_assessment,
    case_family_member,
    case_participant,
    narrowing_choices,
    retractable_document,
    retractable_entry,
)
from ..selectors.cases import (
    case_search,
    case_workspace,
    dashboard,
    document_for_download,
)
from ..selectors.people import active_organisations, person, region_memberships
from ..selectors.risk import risk_history
from ..services import cases as case_services
from ..services import documents as document_services
from ..services import plans as plan_services
from ..services import timeline as timeline_services
from ..services.handover import has_director
from .base import ActorRule, CaseFormView, ContributeFormView
from .closure import plan_and_closure_context
from .legal_bases import SharingBasisMixin


class DashboardView(TemplateView):
    """Start page of the collaboration area (the second-factor gate guards all of it)."""

    actor_rule = ActorRule.MEMBER_AREA
    template_name = "collaboration/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        data = dashboard(user=self.request.user)
        phases = [(value, label, data.phase_counts.get(value, 0)) for value, label in Phase.choices]
        return {
            **super().get_context_data(**kwargs),
            "dash": data,
            "phases": phases,
            "search_form": CaseSearchForm(),
            "without_director": data.without_director,
            "risk_reviews": data.risk_reviews,
        }


class CaseListView(TemplateView):
    actor_rule = ActorRule.MEMBER_AREA
    template_name = "collaboration/case_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = CaseSearchForm(self.request.GET or None)
        query, phase, assigned_only = "", "", False
        if form.is_valid():
            query, phase = form.cleaned_data["q"], form.cleaned_data["fase"]
            assigned_only = form.cleaned_data["mijn"]
        try:
            page_number = max(1, int(self.request.GET.get("pagina", "1")))
        except ValueError:
            page_number = 1
        page = case_search(
            user=self.request.user,
            query=query,
            phase=phase,
            assigned_only=assigned_only,
            page=page_number,
        )
        params = self.request.GET.copy()
        params.pop("pagina", None)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": page,
            "querystring": params.urlencode(),
        }


class CaseDetailView(TemplateView):
    actor_rule = ActorRule.CASE_READ
    template_name = "collaboration/case_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        workspace = case_workspace(user=self.request.user, reference=kwargs["reference"])
        basis = workspace.access.basis
        assessments = {a.domain: a for a in workspace.assessments}
        case = workspace.case
        criteria = [(label, getattr(case, name)) for name, label in CLOSURE_CRITERIA]
        return {
            **super().get_context_data(**kwargs),
            "ws": workspace,
            "case": case,
            "can_direct": can_direct(basis) and not case.is_closed,
            "can_contribute": basis != Basis.BREAK_THE_GLASS and not case.is_closed,
            "can_reopen": can_direct(basis) and case.is_closed,
            "is_director": basis == Basis.CASE_DIRECTOR,
            "viewer_id": self.request.user.pk,
            "domains": [
                (value, label, assessments.get(value)) for value, label in LifeDomain.choices
            ],
            "criteria": criteria,
            **plan_and_closure_context(workspace.access, workspace.plan, workspace.earlier_plans),
            "today": workspace.today,
            "has_director": has_director(case),
            "can_reassign": case.region in workspace.access.profile.coordinator_regions,
            "risk": risk_history(workspace.access),
        }


class CaseAuditView(TemplateView):
    actor_rule = ActorRule.CASE_AUDIT
    template_name = "collaboration/case_audit.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        overview = case_audit_overview(user=self.request.user, reference=kwargs["reference"])
        return {
            **super().get_context_data(**kwargs),
            "case": overview.case,
            "people": overview.people,
            "rows": overview.rows,
        }


class DocumentDownloadView(View):
    actor_rule = ActorRule.CASE_READ

    def get(self, request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
        document = document_for_download(
            user=request.user, reference=reference, document_id=document_id
        )
        extension = document.file.name.rsplit(".", 1)[-1]
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=f"document-{document.pk}.{extension}",
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


# --- Phases and closure -----------------------------------------------------------------


class PhaseChangeView(CaseFormView):
    form_class = PhaseChangeForm
    title = _("Fase wijzigen")
    submit_label = _("Fase wijzigen")
    success_message = _("De fase is gewijzigd.")

    def form_extra(self) -> dict[str, Any]:
        moves = case_services.ALLOWED_MOVES.get(self.case.phase, set())
        return {"choices": [(value, label) for value, label in Phase.choices if value in moves]}

    def perform(self, form: Any) -> None:
        case_services.case_phase_change(
            actor=self.request.user,
            case=self.case,
            to_phase=form.cleaned_data["to_phase"],
            reason=form.cleaned_data["reason"],
        )


class CaseReopenView(CaseFormView):
    form_class = ReopenForm
    title = _("Dossier heropenen")
    submit_label = _("Heropenen")
    success_message = _("Het dossier is heropend.")

    def perform(self, form: Any) -> None:
        case_services.case_reopen(
            actor=self.request.user,
            case=self.case,
            to_phase=form.cleaned_data["to_phase"],
            incident=form.cleaned_data["incident"],
        )


# --- People in the case -----------------------------------------------------------------


class ParticipantAddView(SharingBasisMixin, CaseFormView):
    form_class = ParticipantForm
    title = _("Professional toevoegen")
    submit_label = _("Toevoegen")
    success_message = _("De professional is aan het dossier toegevoegd.")
    anchor = "betrokkenen"

    def form_extra(self) -> dict[str, Any]:
        return {"memberships": region_memberships(self.case.region)}

    def perform(self, form: Any) -> None:
        user_id, organisation_id = (int(x) for x in form.cleaned_data["membership"].split(":"))
        user = person(user_id)
        if user is None:  # the form offered only active people; gone since
            raise NotFoundOrNotAllowed
        case_services.participant_add(
            actor=self.request.user,
            case=self.case,
            user=user,
            organisation_id=organisation_id,
            role_in_case=form.cleaned_data["role_in_case"],
            task_division=form.cleaned_data["task_division"],
            legal_basis_id=self.basis_id(form),
        )


class ParticipantRemoveView(CaseFormView):
    """Take one active participant out of the case with a reason; any other is "not found"."""

    form_class = RemovalForm
    title = _("Professional uit het dossier halen")
    intro = _(
        "Deze persoon verliest meteen de toegang tot het dossier. Wie in het dossier werkt, "
        "ziet wie de persoon verwijderde, wanneer en waarom."
    )
    submit_label = _("Uit het dossier halen")
    success_message = _("De professional is uit het dossier gehaald.")
    danger = True
    anchor = "betrokkenen"
    participant: Any

    def authorise(self) -> None:
        self.participant = case_participant(self.access, self.kwargs["participant_id"])
        if self.participant is None:
            raise NotFoundOrNotAllowed

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "subject": self.participant}

    def perform(self, form: Any) -> None:
        case_services.participant_remove(
            actor=self.request.user,
            case=self.case,
            participant_id=self.participant.pk,
            reason=form.cleaned_data["reason"],
        )


class FamilyMemberRemoveView(CaseFormView):
    """Remove one family member from the current lists with a reason; any other is "not
    found". The member stays listed as removed."""

    form_class = RemovalForm
    title = _("Gezinslid verwijderen")
    intro = _(
        "Het gezinslid verdwijnt uit de lijsten van het dossier en blijft vermeld als verwijderd, "
        "met de datum en de reden."
    )
    submit_label = _("Verwijderen")
    success_message = _("Het gezinslid is verwijderd.")
    danger = True
    anchor = "gezin"
    member: Any

    def authorise(self) -> None:
        self.member = case_family_member(self.access, self.kwargs["family_member_id"])
        if self.member is None:
            raise NotFoundOrNotAllowed

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "subject": self.member.name}

    def perform(self, form: Any) -> None:
        case_services.family_member_remove(
            actor=self.request.user,
            case=self.case,
            member_id=self.member.pk,
            reason=form.cleaned_data["reason"],
        )


class FamilyMemberAddView(CaseFormView):
    form_class = FamilyMemberForm
    title = _("Gezinslid toevoegen")
    submit_label = _("Toevoegen")
    success_message = _("Het gezinslid is toegevoegd.")
    anchor = "gezin"

    def perform(self, form: Any) -> None:
        case_services.family_member_add(
            actor=self.request.user, case=self.case, **form.cleaned_data
        )


# --- Exploration and plan of action ------------------------------------------------------


class AssessmentView(ContributeFormView):
    form_class = AssessmentForm
    submit_label = _("Bewaren")
    success_message = _("De verkenning is bewaard.")
    anchor = "verkenning"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if kwargs["domain"] not in LifeDomain.values:
            raise NotFoundOrNotAllowed
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Verkenning: %(domain)s") % {"domain": LifeDomain(self.kwargs["domain"]).label}

    def get_initial(self) -> dict[str, Any]:
        existing = case_assessment(self.access, self.kwargs["domain"])
        if existing is None:
            return {}
        return {f: getattr(existing, f) for f in ("strengths", "worries", "concerns", "wishes")}

    def perform(self, form: Any) -> None:
        plan_services.assessment_save(
            actor=self.request.user,
            case=self.case,
            domain=self.kwargs["domain"],
            **form.cleaned_data,
        )


class GoalAddView(CaseFormView):
    form_class = GoalForm
    title = _("Doel toevoegen aan het plan van aanpak")
    submit_label = _("Toevoegen")
    success_message = _("Het doel is toegevoegd.")
    anchor = "plan"

    def perform(self, form: Any) -> None:
        plan_services.goal_add(actor=self.request.user, case=self.case, **form.cleaned_data)


class ActionAddView(CaseFormView):
    form_class = ActionForm
    title = _("Actie toevoegen")
    submit_label = _("Toevoegen")
    success_message = _("De actie is toegevoegd.")
    anchor = "plan"

    def form_extra(self) -> dict[str, Any]:
        return action_form_choices(self.access, case_services.current_plan(self.case))

    def perform(self, form: Any) -> None:
        data = form.cleaned_data
        responsible = person(data["responsible"])
        plan_services.action_add(
            actor=self.request.user,
            case=self.case,
            goal_id=int(data["goal"]),
            description=data["description"],
            organisation_id=int(data["organisation"]),
            responsible=responsible,
            due_date=data["due_date"],
        )


class PlanPresentedView(CaseFormView):
    form_class = PresentedForm
    title = _("Plan van aanpak voorgelegd in team regie")
    intro = _(
        "Een coördinator van de regio die niet de casusregisseur is, keurt deze versie van het "
        "plan daarna goed of weigert ze (vier ogen). Pas na de goedkeuring start de "
        "uitvoeringsfase."
    )
    submit_label = _("Bewaren")
    success_message = _(
        "De voorstelling in het team is genoteerd. Het plan wacht op de goedkeuring van een "
        "coördinator."
    )
    anchor = "plan"

    def get_initial(self) -> dict[str, Any]:
        return {"presented_on": timezone.localdate()}

    def perform(self, form: Any) -> None:
        plan_services.plan_mark_presented(
            actor=self.request.user, case=self.case, presented_on=form.cleaned_data["presented_on"]
        )


class PlanNewVersionView(CaseFormView):
    from django import forms as _forms

    form_class = _forms.Form
    title = _("Nieuwe versie van het plan van aanpak")
    intro = _(
        "Doelen en open acties gaan mee naar de nieuwe versie; in de oude versie staan die "
        "acties dan als 'overgenomen'. Leg de nieuwe versie opnieuw voor in het team."
    )
    submit_label = _("Nieuwe versie maken")
    success_message = _("Er is een nieuwe versie van het plan.")
    anchor = "plan"

    def perform(self, form: Any) -> None:
        plan_services.plan_new_version(actor=self.request.user, case=self.case)


# --- Timeline, documents, meetings --------------------------------------------------------


class TimelineEntryAddView(SharingBasisMixin, ContributeFormView):
    form_class = TimelineEntryForm
    title = _("Tijdlijn aanvullen")
    submit_label = _("Toevoegen")
    success_message = _("Het item staat op de tijdlijn.")
    anchor = "tijdlijn"

    def form_extra(self) -> dict[str, Any]:
        return {"organisations": active_organisations(region=self.case.region)}

    def get_initial(self) -> dict[str, Any]:
        return {"occurred_on": timezone.localdate()}

    def perform(self, form: Any) -> None:
        data = form.cleaned_data
        timeline_services.timeline_entry_add(
            actor=self.request.user,
            case=self.case,
            kind=data["kind"],
            occurred_on=data["occurred_on"],
            title=data["title"],
            body=data["body"],
            visibility=data["visibility"],
            sectors=data["sectors"],
            organisation_ids=[int(o) for o in data["organisations"]],
            legal_basis_id=self.basis_id(form),
        )


class DocumentUploadView(SharingBasisMixin, ContributeFormView):
    form_class = DocumentForm
    title = _("Document toevoegen")
    submit_label = _("Opladen")
    success_message = _("Het document is toegevoegd.")
    anchor = "documenten"

    def form_extra(self) -> dict[str, Any]:
        return {"organisations": active_organisations(region=self.case.region)}

    def perform(self, form: Any) -> None:
        data = form.cleaned_data
        document_services.document_upload(
            actor=self.request.user,
            case=self.case,
            title=data["title"],
            upload=data["file"],
            visibility=data["visibility"],
            sectors=data["sectors"],
            organisation_ids=[int(o) for o in data["organisations"]],
            legal_basis_id=self.basis_id(form),
        )


class TimelineEntryRetractView(ContributeFormView):
    """Retract one entry the viewer sees and may retract; any other is "not found"."""

    actor_rule = ActorRule.ITEM_RETRACT
    form_class = RetractForm
    title = _("Tijdlijnitem intrekken")
    intro = _(
        "Het item verdwijnt meteen uit het dossier. Wie het kon zien, ziet alleen nog dat het "
        "ingetrokken is, door wie, wanneer en waarom."
    )
    submit_label = _("Intrekken")
    success_message = _("Het tijdlijnitem is ingetrokken.")
    danger = True
    anchor = "tijdlijn"
    item: Any

    def authorise(self) -> None:
        self.item = retractable_entry(self.access, self.kwargs["entry_id"])
        if self.item is None:
            raise NotFoundOrNotAllowed

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "subject": self.item.title}

    def perform(self, form: Any) -> None:
        timeline_services.timeline_entry_retract(
            actor=self.request.user,
            case=self.case,
            entry_id=self.item.pk,
            reason=form.cleaned_data["reason"],
        )


class TimelineEntryNarrowView(ContributeFormView):
    """Narrow who sees one entry, at once; widening is a new entry, so not offered here."""

    actor_rule = ActorRule.ITEM_RETRACT
    form_class = NarrowAudienceForm
    title = _("Zichtbaarheid van een tijdlijnitem beperken")
    intro = _(
        "Wie u weglaat, ziet het item meteen niet meer. De auteur en de casusregisseur blijven "
        "het zien. Iemand toevoegen kan hier niet: deel het dan opnieuw in een nieuw item."
    )
    submit_label = _("Zichtbaarheid beperken")
    success_message = _("De zichtbaarheid van het item is beperkt.")
    anchor = "tijdlijn"
    item: Any
    choices: dict[str, Any]

    def authorise(self) -> None:
        self.item = retractable_entry(self.access, self.kwargs["entry_id"])
        if self.item is None:
            raise NotFoundOrNotAllowed
        self.choices = narrowing_choices(self.access, self.item)

    def form_extra(self) -> dict[str, Any]:
        return {
            "sectors": self.choices["sectors"],
            "organisations": self.choices["organisations"],
        }

    def get_initial(self) -> dict[str, Any]:
        return dict(self.choices["initial"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "subject": self.item.title}

    def perform(self, form: Any) -> None:
        data = form.cleaned_data
        timeline_services.timeline_entry_narrow(
            actor=self.request.user,
            case=self.case,
            entry_id=self.item.pk,
            sectors=data["sectors"],
            organisation_ids=[int(o) for o in data["organisations"]],
        )


class DocumentRetractView(ContributeFormView):
    """Retract one document the viewer sees and may retract; any other is "not found"."""

    actor_rule = ActorRule.ITEM_RETRACT
    form_class = RetractForm
    title = _("Document intrekken")
    intro = _(
        "Het document verdwijnt meteen uit het dossier en kan niet meer gedownload worden. Wie "
        "het kon zien, ziet alleen nog dat het ingetrokken is, door wie, wanneer en waarom."
    )
    submit_label = _("Intrekken")
    success_message = _("Het document is ingetrokken.")
    danger = True
    anchor = "documenten"
    item: Any

    def authorise(self) -> None:
        self.item = retractable_document(self.access, self.kwargs["document_id"])
        if self.item is None:
            raise NotFoundOrNotAllowed

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "subject": self.item.title}

    def perform(self, form: Any) -> None:
        document_services.document_retract(
            actor=self.request.user,
            case=self.case,
            document_id=self.item.pk,
            reason=form.cleaned_data["reason"],
        )
