"""Flags (signalen) on a case: raise one, acknowledge one ("Gezien"), remove one.

The case comes through the audited selector first (``CaseFormView``); the flag in the URL from
``selectors.flags``: a flag of another case, a removed one, or one the viewer may not remove is
"not found", like a missing case."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ..access import NotFoundOrNotAllowed, can_contribute
from ..forms_flags import FlagAcknowledgeForm, FlagRaiseForm, FlagRemoveForm
from ..selectors.flags import active_flag, flag_form_members, removable_flag
from ..services import flags as flag_services
from .base import ActorRule, CaseFormView, ContributeFormView


class FlagRaiseView(ContributeFormView):
    """Raise a flag: everyone who may contribute to the case."""

    form_class = FlagRaiseForm
    title = _("Signaal plaatsen")
    intro = _(
        "Een signaal staat bovenaan het dossier en op de startpagina van iedereen die eraan "
        "werkt, tot het verwijderd wordt. De casusregisseur en de betrokkenen krijgen een "
        "melding in het portaal en een e-mail zonder inhoud."
    )
    submit_label = _("Signaal plaatsen")
    success_message = _("Het signaal is geplaatst; de betrokkenen zijn verwittigd.")
    anchor = flag_services.ANCHOR

    def form_extra(self) -> dict[str, Any]:
        return {"members": flag_form_members(self.access)}

    def perform(self, form: Any) -> None:
        data = form.cleaned_data
        flag_services.flag_raise(
            actor=self.request.user,
            case=self.case,
            kind=data["kind"],
            custom_label=data.get("custom_label", ""),
            reason=data["reason"],
            family_member_id=int(data["family_member"]) if data.get("family_member") else None,
        )


class _OneFlagView(CaseFormView):
    flag: Any
    anchor = flag_services.ANCHOR

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "flag": self.flag}


class FlagAcknowledgeView(_OneFlagView):
    """Acknowledge a flag ("Gezien"): everyone who may contribute to the case."""

    template_name = "collaboration/flag_form.html"
    actor_rule = ActorRule.CASE_CONTRIBUTE
    right = staticmethod(can_contribute)
    form_class = FlagAcknowledgeForm
    title = _("Signaal gezien")
    intro = _("Bevestig dat u dit signaal gelezen hebt. De casusregisseur ziet wie het zag.")
    submit_label = _("Gezien")
    success_message = _("U bevestigde dat u het signaal zag.")

    def authorise(self) -> None:
        self.flag = active_flag(self.access, self.kwargs["flag_id"])
        if self.flag is None:
            raise NotFoundOrNotAllowed

    def perform(self, form: Any) -> None:
        flag_services.flag_acknowledge(
            actor=self.request.user, case=self.case, flag_id=self.flag.pk
        )


class FlagRemoveView(_OneFlagView):
    """Remove a flag with a reason: its author, the case director, a coordinator."""

    template_name = "collaboration/flag_form.html"
    actor_rule = ActorRule.ITEM_RETRACT
    right = staticmethod(can_contribute)
    form_class = FlagRemoveForm
    title = _("Signaal verwijderen")
    intro = _("Het signaal verdwijnt bovenaan het dossier en blijft in de geschiedenis staan.")
    submit_label = _("Signaal verwijderen")
    success_message = _("Het signaal is verwijderd.")
    danger = True

    def authorise(self) -> None:
        self.flag = removable_flag(self.access, self.kwargs["flag_id"])
        if self.flag is None:
            raise NotFoundOrNotAllowed

    def perform(self, form: Any) -> None:
        flag_services.flag_remove(
            actor=self.request.user,
            case=self.case,
            flag_id=self.flag.pk,
            reason=form.cleaned_data["reason"],
        )
