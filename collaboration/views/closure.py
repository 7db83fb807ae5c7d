"""Closing a case (a "Nee" waits for a coordinator), the coordinator's decision, and the plan's
evaluation before completion."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..access import NotFoundOrNotAllowed, can_contribute
from ..choices import CLOSURE_CRITERIA, Phase
from ..forms_approvals import PlanApprovalForm
from ..forms_closure import ClosureDecisionForm, ClosureForm, PlanEvaluationForm
from ..selectors.approvals import case_approvals, plan_for_approval
from ..services import approvals as approval_services
from ..services import cases as case_services
from ..services import closure as closure_services
from ..services import plans as plan_services
from .base import ActorRule, CaseFormView


class CaseCloseView(CaseFormView):
    form_class = ClosureForm
    template_name = "collaboration/case_close.html"
    title = _("Dossier afsluiten")
    intro = _(
        "Beantwoord de vijf afrondingscriteria, schrijf een samenvatting en maak voor het gezin "
        "een overzicht van wie ze voor wat kunnen contacteren. Een afgesloten dossier kan "
        "niet meer gewijzigd worden, wel heropend bij een nieuw incident."
    )
    submit_label = _("Dossier afsluiten")
    success_message = _("Het dossier is afgesloten.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "pending": closure_services.pending_closure(self.case),
        }

    def perform(self, form: Any) -> None:
        data = form.cleaned_data
        case = case_services.case_close(
            actor=self.request.user,
            case=self.case,
            criteria={name: data[name] for name, _label in CLOSURE_CRITERIA},
            reasons=form.reasons(),
            closing_summary=data["closing_summary"],
            contact_card=data["contact_card"],
        )
        if case.phase != Phase.CLOSED:
            self.success_message = _(
                "De afsluiting wacht op de bevestiging van een coördinator (vier ogen). Het "
                "dossier blijft tot dan in de afrondingsfase."
            )


class ClosureDecisionView(CaseFormView):
    """A coordinator of the region, not the case director, confirms or refuses."""

    actor_rule = ActorRule.CLOSURE_DECIDE
    right = staticmethod(can_contribute)  # narrowed by ``authorise``
    form_class = ClosureDecisionForm
    template_name = "collaboration/closure_decide.html"
    title = _("Afsluiting bevestigen of weigeren")
    intro = _(
        "Elke afsluiting vraagt de goedkeuring van een coördinator die niet de casusregisseur "
        "is (vier ogen). Lees de antwoorden op de afrondingscriteria en de toelichting. "
        "Bevestigt u, dan wordt het dossier afgesloten; weigert u, dan blijft het in de "
        "afrondingsfase en leest de casusregisseur uw toelichting."
    )
    submit_label = _("Beslissing bewaren")

    def authorise(self) -> None:
        self.pending = closure_services.pending_closure(self.case)
        if self.pending is None or not closure_services.may_decide(self.access.profile, self.case):
            raise NotFoundOrNotAllowed

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "request_": self.pending}

    def perform(self, form: Any) -> None:
        request = closure_services.closure_decide(
            actor=self.request.user,
            case=self.case,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
        self.success_message = (
            _("De afsluiting is bevestigd; het dossier is afgesloten.")
            if request.status == "confirmed"
            else _("De afsluiting is geweigerd; de casusregisseur is verwittigd.")
        )


class PlanEvaluateView(CaseFormView):
    form_class = PlanEvaluationForm
    title = _("Plan van aanpak evalueren")
    intro = _(
        "De afrondingsfase kan pas starten als het plan geëvalueerd is en elke actie gedaan, "
        "niet mogelijk (met reden) of overgenomen is."
    )
    submit_label = _("Evaluatie bewaren")
    success_message = _("De evaluatie van het plan is bewaard.")
    anchor = "plan"

    def get_initial(self) -> dict[str, Any]:
        plan = case_services.current_plan(self.case)
        initial: dict[str, Any] = {"evaluated_on": timezone.localdate()}
        if plan is not None and plan.evaluation:
            initial.update(evaluation=plan.evaluation, evaluated_on=plan.evaluated_on)
        return initial

    def perform(self, form: Any) -> None:
        evaluated_on: datetime.date = form.cleaned_data["evaluated_on"]
        plan_services.plan_evaluate(
            actor=self.request.user,
            case=self.case,
            evaluation=form.cleaned_data["evaluation"],
            evaluated_on=evaluated_on,
        )


class PlanApprovalView(CaseFormView):
    """A coordinator of the region, not the case director nor the one who asked, approves or
    refuses the plan version presented in team regie (four eyes)."""

    actor_rule = ActorRule.APPROVAL_DECIDE
    right = staticmethod(can_contribute)  # narrowed by ``authorise``
    form_class = PlanApprovalForm
    template_name = "collaboration/plan_approval.html"
    title = _("Plan van aanpak goedkeuren of weigeren")
    intro = _(
        "De casusregisseur legde deze versie van het plan van aanpak voor in team regie. Keurt "
        "u goed, dan kan de uitvoeringsfase starten. Weigert u, dan gaat het plan terug naar "
        "de casusregisseur met uw reden; die past het aan en vraagt opnieuw."
    )
    submit_label = _("Beslissing bewaren")
    anchor = "goedkeuring"

    def authorise(self) -> None:
        self.pending = approval_services.pending_approval(self.case, "plan")
        if self.pending is None or not approval_services.may_decide(self.access.profile, self.case):
            raise NotFoundOrNotAllowed

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "approval": self.pending,
            "plan": plan_for_approval(self.access, self.pending.plan_id),
        }

    def perform(self, form: Any) -> None:
        approval = approval_services.plan_approval_decide(
            actor=self.request.user,
            case=self.case,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )
        self.success_message = (
            _("Het plan van aanpak is goedgekeurd; de casusregisseur is verwittigd.")
            if approval.status == "approved"
            else _("Het plan van aanpak is geweigerd; de casusregisseur leest uw reden.")
        )


def plan_and_closure_context(
    access: Any, plan: Any = None, earlier_plans: list[Any] | None = None
) -> dict[str, Any]:
    """What the case page needs for the plan history, action rights, approvals and closure.
    ``earlier_plans``: the history when the caller has it already (``case_workspace``)."""
    from ..access import action_organisation_ids
    from ..selectors.plans import earlier_plan_versions, latest_closure_request

    closure = latest_closure_request(access)
    pending = closure if closure and closure.status == "pending" else None
    approvals = case_approvals(access, plan.pk if plan else None)
    return {
        "action_org_ids": action_organisation_ids(access.profile, access.case),
        "earlier_plans": earlier_plan_versions(access) if earlier_plans is None else earlier_plans,
        "closure": closure,
        "closure_pending": pending,
        "can_decide_closure": pending is not None
        and approvals.can_decide
        and pending.requested_by_id != access.profile.user.pk,
        "approvals": approvals,
    }
