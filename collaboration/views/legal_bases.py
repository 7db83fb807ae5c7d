"""The register of legal bases of a case: the list, what was shared under one basis, and the
forms to register (one per kind), withdraw or end a basis and review an urgent necessity."""

from __future__ import annotations

from typing import Any, ClassVar

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from ..access import NotFoundOrNotAllowed
from ..forms_legal_bases import (
    BASIS_FORMS,
    ConsentForm,
    ConsultationForm,
    EndBasisForm,
    UrgentForm,
    UrgentReviewForm,
    add_basis_field,
)
from ..selectors.cases import CaseAccess, case_access
from ..selectors.legal_bases import (
    basis_label,
    basis_state,
    case_register,
    current_family,
    shared_under,
    sharing_basis_choices,
)
from ..selectors.people import active_organisations
from ..services import legal_bases as basis_services
from .base import ActorRule, CaseFormView

REGISTER_PURPOSE = "legal_bases"


class SharingBasisMixin:
    """For the form of a sharing act: the choice of the basis it rests on (``perform`` passes
    ``basis_id(form)`` to the service, which refuses without one)."""

    access: CaseAccess

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)  # type: ignore[misc]
        add_basis_field(form, sharing_basis_choices(self.access))
        return form

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),  # type: ignore[misc]
            "register_url": register_url(self.access.case.reference),
        }

    @staticmethod
    def basis_id(form: Any) -> int | None:
        value = form.cleaned_data.get("legal_basis")
        return int(value) if value else None


def register_url(reference: str) -> str:
    return reverse("collaboration:legal_bases", args=[reference])


class LegalBasisRegisterView(TemplateView):
    """Every basis of the case, its state and who may act on it."""

    actor_rule = ActorRule.CASE_READ
    template_name = "collaboration/legal_bases.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        access = case_access(
            user=self.request.user, reference=kwargs["reference"], purpose=REGISTER_PURPOSE
        )
        return {
            **super().get_context_data(**kwargs),
            "case": access.case,
            "register": case_register(access),
        }


class LegalBasisDetailView(TemplateView):
    """One basis and what was shared under it (so a withdrawn consent shows who received
    what); entries and documents outside the viewer's audience are only counted."""

    actor_rule = ActorRule.CASE_READ
    template_name = "collaboration/legal_basis_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        access = case_access(
            user=self.request.user, reference=kwargs["reference"], purpose=REGISTER_PURPOSE
        )
        shared = shared_under(access, kwargs["basis_id"])
        if shared is None:
            raise NotFoundOrNotAllowed
        register = case_register(access)
        return {
            **super().get_context_data(**kwargs),
            "case": access.case,
            "shared": shared,
            "basis": shared.basis,
            "label": basis_label(shared.basis),
            "state": basis_state(shared.basis),
            "register": register,
        }


class _BasisAddView(CaseFormView):
    """Register a basis of one kind (the subclasses name it)."""

    kind: ClassVar[str] = ""
    submit_label = _("Registreren")
    success_message = _("De grondslag staat in het register.")

    def form_extra(self) -> dict[str, Any]:
        return {
            "organisations": active_organisations(region=self.case.region),
            "family": current_family(self.access),
        }

    def fallback_url(self) -> str:
        return register_url(self.case.reference)

    def case_url(self) -> str:
        return register_url(self.case.reference)

    def perform(self, form: Any) -> None:
        data = form.cleaned_data
        basis_services.legal_basis_record(
            actor=self.request.user,
            case=self.case,
            kind=BASIS_FORMS[self.kind].kind,
            organisation_ids=[int(o) for o in data["organisations"]],
            purpose=data["purpose"],
            given_on=data["given_on"],
            consent_of_id=data.get("consent_of"),
            consent_recorded=data.get("consent_recorded", ""),
            framework=data.get("framework", ""),
            framework_reference=data.get("framework_reference", ""),
            family_informed=data.get("family_informed", ""),
            family_informed_on=data.get("family_informed_on"),
            family_informed_note=data.get("family_informed_note", ""),
        )


class ConsentAddView(_BasisAddView):
    kind = "consent"
    form_class = ConsentForm
    title = _("Toestemming registreren")
    intro = _(
        "Een gezinslid geeft toestemming om informatie te delen met de diensten die u aanvinkt, "
        "voor het doel dat u beschrijft. De toestemming kan altijd ingetrokken worden."
    )


class ConsultationAddView(_BasisAddView):
    kind = "consultation"
    form_class = ConsultationForm
    title = _("Casusoverleg (art. 458ter Sw.) registreren")
    intro = _(
        "Een casusoverleg waarin het beroepsgeheim gedeeld mag worden: georganiseerd bij wet of "
        "decreet, of toegestaan door de procureur des Konings. De deelnemers zijn gebonden door "
        "het beroepsgeheim en gebruiken wat ze horen alleen voor het doel van het overleg."
    )


class UrgentAddView(_BasisAddView):
    kind = "urgent"
    form_class = UrgentForm
    title = _("Delen bij noodtoestand registreren")
    intro = _(
        "Alleen bij een ernstig en dreigend gevaar voor iemand dat niet anders af te wenden is. "
        "Een coördinator die de noodtoestand niet zelf inriep, beoordeelt de deling binnen de "
        "termijn; daarna kan er niet meer op gedeeld worden tot de beoordeling er is."
    )


class LegalBasisEndView(CaseFormView):
    """Withdraw a consent or end another basis; a basis of another case is "not found"."""

    form_class = EndBasisForm
    title = _("Toestemming intrekken of grondslag beëindigen")
    submit_label = _("Intrekken of beëindigen")
    success_message = _("Er wordt niets meer gedeeld op deze grondslag.")
    danger = True
    basis: Any

    def authorise(self) -> None:
        shared = shared_under(self.access, self.kwargs["basis_id"])
        if shared is None or shared.basis.is_ended:
            raise NotFoundOrNotAllowed
        self.basis = shared.basis

    def case_url(self) -> str:
        return reverse(
            "collaboration:legal_basis_detail", args=[self.case.reference, self.basis.pk]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "subject": basis_label(self.basis)}

    def perform(self, form: Any) -> None:
        basis_services.legal_basis_end(
            actor=self.request.user,
            case=self.case,
            basis_id=self.basis.pk,
            reason=form.cleaned_data["reason"],
        )


class UrgentReviewView(CaseFormView):
    """A coordinator of the region, not the case director nor who invoked it, reviews an
    urgent necessity; anyone else, and any other basis, is "not found"."""

    actor_rule = ActorRule.BASIS_REVIEW
    form_class = UrgentReviewForm
    title = _("Deling bij noodtoestand beoordelen")
    submit_label = _("Beoordeling opslaan")
    success_message = _("De beoordeling is opgeslagen.")
    basis: Any

    def authorise(self) -> None:
        shared = shared_under(self.access, self.kwargs["basis_id"])
        profile = self.access.profile
        if (
            shared is None
            or self.case.region not in profile.coordinator_regions
            or profile.user.pk in (shared.basis.created_by_id, self.case.case_director_id)
            or shared.basis not in case_register(self.access).awaiting_review
        ):
            raise NotFoundOrNotAllowed
        self.basis = shared.basis

    def case_url(self) -> str:
        return reverse(
            "collaboration:legal_basis_detail", args=[self.case.reference, self.basis.pk]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "subject": basis_label(self.basis)}

    def perform(self, form: Any) -> None:
        basis_services.urgent_review(
            actor=self.request.user,
            case=self.case,
            basis_id=self.basis.pk,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
