"""Pages that change one action of a plan. Only the case director, a coordinator of the region
and the participants acting for the organisation that owns the action open them; anyone else
gets the same "not found" as for an action that does not exist (``ActorRule.ACTION_CHANGE``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ..access import NotFoundOrNotAllowed, can_change_action
from ..forms import ActionStatusForm
from ..selectors.case_forms import case_action
from ..services import plans as plan_services
from .base import ActorRule, ContributeFormView


class ActionFormView(ContributeFormView):
    """A form on the action named by ``action_id`` in the URL, checked before GET and POST."""

    actor_rule = ActorRule.ACTION_CHANGE
    anchor = "plan"
    action: Any

    def authorise(self) -> None:
        action = case_action(self.access, self.kwargs["action_id"])
        if action is None or not can_change_action(self.access.profile, self.access.basis, action):
            raise NotFoundOrNotAllowed
        self.action = action

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "subject": self.action.description}


class ActionStatusView(ActionFormView):
    form_class = ActionStatusForm
    title = _("Status van een actie")
    submit_label = _("Bewaren")
    success_message = _("De status is bewaard.")

    def get_initial(self) -> dict[str, Any]:
        return {"status": self.action.status, "reason": self.action.status_reason}

    def perform(self, form: Any) -> None:
        plan_services.action_status_set(
            actor=self.request.user,
            case=self.case,
            action_id=self.action.pk,
            **form.cleaned_data,
        )
