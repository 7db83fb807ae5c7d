"""Safety-plan pages of one person at risk: the plan with its earlier versions, the form of a
new version, and the PDF for the person (neutral title, no case reference)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from ..access import Basis, NotFoundOrNotAllowed
from ..forms_safety_plans import SafetyPlanForm
from ..selectors.cases import case_access
from ..selectors.safety_plans import person_plan, plan_for_print, plan_parts
from ..services.safety_plans import safety_plan_pdf, safety_plan_save
from .base import ActorRule, ContributeFormView
from .legal_bases import SharingBasisMixin


class SafetyPlanDetailView(TemplateView):
    """The person's current plan and every earlier version."""

    actor_rule = ActorRule.CASE_READ
    template_name = "collaboration/safety_plan.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        access = case_access(
            user=self.request.user, reference=kwargs["reference"], purpose="safety_plan"
        )
        found = person_plan(access, kwargs["family_member_id"])
        if found is None:
            raise NotFoundOrNotAllowed
        for plan in found.history:
            setattr(plan, "parts", plan_parts(plan))  # noqa: B010
        return {
            **super().get_context_data(**kwargs),
            "case": access.case,
            "person": found,
            "can_edit": not access.case.is_closed
            and access.basis != Basis.BREAK_THE_GLASS
            and not found.current_hidden,
        }


class SafetyPlanEditView(SharingBasisMixin, ContributeFormView):
    """A new version of the person's plan, shared on a basis the form asks for: director,
    coordinators and participants; "not found" for a participant whose service the current
    version is not shared with (it would start from a plan they never saw)."""

    form_class = SafetyPlanForm
    title = _("Veiligheidsplan bijwerken")
    intro = _(
        "Elke keer dat u bewaart, ontstaat een nieuwe versie; de vorige blijven zichtbaar. Schrijf "
        "in de woorden van de persoon: het plan kan voor hem of haar afgedrukt worden, zonder "
        "dossiernummer. Andere diensten zien de nieuwe versie alleen als de gekozen grondslag ze "
        "dekt."
    )
    submit_label = _("Nieuwe versie bewaren")
    success_message = _("Het veiligheidsplan is bewaard.")
    found: Any

    def authorise(self) -> None:
        self.found = person_plan(self.access, self.kwargs["family_member_id"])
        if self.found is None or self.found.current_hidden:
            raise NotFoundOrNotAllowed

    def get_initial(self) -> dict[str, Any]:
        current = self.found.current
        initial: dict[str, Any] = {"based_on": current.version if current else 0}
        for name in SafetyPlanForm.base_fields:
            if name != "based_on":
                initial[name] = getattr(current, name, "") if current else ""
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "subject": self.found.member.name}

    def perform(self, form: Any) -> str:
        data = dict(form.cleaned_data)
        legal_basis_id = self.basis_id(form)
        data.pop("legal_basis", None)
        safety_plan_save(
            actor=self.request.user,
            case=self.case,
            family_member_id=self.found.member.pk,
            values=data,
            based_on=data.pop("based_on", None),
            legal_basis_id=legal_basis_id,
        )
        return reverse(
            "collaboration:safety_plan", args=[self.case.reference, self.found.member.pk]
        )


class SafetyPlanPdfView(View):
    """The current plan as a PDF for the person (the empty form when there is none yet);
    recorded as printed."""

    actor_rule = ActorRule.CASE_READ

    def get(self, request: HttpRequest, reference: str, family_member_id: int) -> HttpResponse:
        plan = plan_for_print(user=request.user, reference=reference, member_id=family_member_id)
        response = HttpResponse(safety_plan_pdf(plan), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="mijn-plan.pdf"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
