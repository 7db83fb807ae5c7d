"""The coordinator names another case director (``services.handover``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..access import NotFoundOrNotAllowed
from ..selectors.handover import director_candidates
from ..selectors.people import person
from ..services import handover as handover_services
from .base import ActorRule, CaseFormView


class DirectorForm(forms.Form):
    case_director = forms.ChoiceField(label=_("Nieuwe casusregisseur"), choices=())

    def __init__(self, *args: Any, people: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_director"].choices = [
            ("", _("Kies een casusregisseur")),
            *[(u.pk, u.full_name) for u in people],
        ]


class DirectorReassignView(CaseFormView):
    """Only a coordinator of the case's region, also when they direct the case themselves."""

    actor_rule = ActorRule.COORDINATOR
    form_class = DirectorForm
    title = _("Casusregisseur wijzigen")
    intro = _(
        "De nieuwe casusregisseur wordt het aanspreekpunt van het dossier en krijgt een "
        "melding; de vorige krijgt ook een melding en verliest de toegang, tenzij hij of zij "
        "als betrokkene aan het dossier werkt."
    )
    submit_label = _("Casusregisseur wijzigen")
    success_message = _("De casusregisseur is gewijzigd.")
    # Any basis on the case first (a coordinator may also take part in it); then the region.
    right = staticmethod(lambda basis: basis is not None)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._require_coordinator()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._require_coordinator()
        return super().post(request, *args, **kwargs)

    def _require_coordinator(self) -> None:
        if self.case.region not in self.access.profile.coordinator_regions:
            raise NotFoundOrNotAllowed

    def form_extra(self) -> dict[str, Any]:
        return {"people": director_candidates(self.case)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        director = self.case.case_director
        subject = _("Nu: %(name)s%(gone)s") % {
            "name": director.full_name,
            "gone": ""
            if handover_services.has_director(self.case)
            else " (" + str(_("werkt niet meer als casusregisseur in deze regio")) + ")",
        }
        return {**super().get_context_data(**kwargs), "subject": subject}

    def perform(self, form: Any) -> str:
        new_director = person(form.cleaned_data["case_director"])
        handover_services.case_director_reassign(
            actor=self.request.user, case=self.case, new_director=new_director
        )
        return self.case_url()

    def fallback_url(self) -> str:
        return reverse("collaboration:home")
