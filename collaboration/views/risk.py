"""Risk assessment pages: the case's risk history with every assessment's answers, and the form
of a new assessment, built from the instrument's data (``forms_risk``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from ..access import Basis
from ..forms_risk import RiskAssessmentForm
from ..selectors.cases import case_access
from ..selectors.risk import active_instruments, answer_rows, people_at_risk, risk_history
from ..services.risk import risk_assess
from .base import ActorRule, ContributeFormView


class RiskListView(TemplateView):
    """Every assessment of the case, by person, with the questions as they were asked."""

    actor_rule = ActorRule.CASE_READ
    template_name = "collaboration/risk_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        access = case_access(
            user=self.request.user, reference=kwargs["reference"], purpose="risk_history"
        )
        history = risk_history(access)
        for assessment in history.assessments:
            setattr(assessment, "answer_rows", answer_rows(assessment))  # noqa: B010
        case = access.case
        return {
            **super().get_context_data(**kwargs),
            "case": case,
            "risk": history,
            "can_assess": not case.is_closed and access.basis != Basis.BREAK_THE_GLASS,
        }


class RiskAssessView(ContributeFormView):
    """A new assessment of the case or of one person at risk: director, coordinators and
    participants."""

    template_name = "collaboration/risk_form.html"
    form_class = RiskAssessmentForm
    title = _("Nieuwe risicotaxatie")
    submit_label = _("Risicotaxatie bewaren")
    success_message = _("De risicotaxatie is bewaard.")
    anchor = "risico"
    instrument: Any
    people: list[Any]

    def authorise(self) -> None:
        instruments = active_instruments()
        wanted = self.request.GET.get("instrument", "")
        chosen = [i for i in instruments if str(i.pk) == wanted]
        self.instruments = instruments
        self.instrument = (chosen or instruments or [None])[0]
        self.people = people_at_risk(self.access)

    def form_extra(self) -> dict[str, Any]:
        return {"instrument": self.instrument, "family": self.people}

    def get_initial(self) -> dict[str, Any]:
        wanted = self.request.GET.get("persoon", "")
        return {"family_member": wanted if any(str(p.pk) == wanted for p in self.people) else ""}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "instrument": self.instrument,
            "instruments": self.instruments,
        }

    def perform(self, form: Any) -> str:
        data = form.cleaned_data
        member = data.get("family_member") or ""
        assessment = risk_assess(
            actor=self.request.user,
            case=self.case,
            instrument_id=self.instrument.pk if self.instrument else 0,
            answers=form.answers(),
            family_member_id=int(member) if member.isdigit() else None,
            judged_level=data.get("judged_level") or "",
            override_reason=data.get("override_reason") or "",
            review_due_on=data.get("review_due_on"),
        )
        url = reverse("collaboration:risk_list", args=[self.case.reference])
        return f"{url}#taxatie-{assessment.pk}"
