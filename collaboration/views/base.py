"""The shape every case page and form follows: resolve the case through the audited selector,
check the actor's right (404 when missing, like a missing case), parse the form, call one
service, show its ValidationError in the Dutch error summary.

``actor_rule`` on each view names who may open it; the URL-by-actor test in
``tests/collaboration/test_access_matrix.py`` reads it for every collaboration URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from ..access import Basis, NotFoundOrNotAllowed, can_contribute, can_direct
from ..forms import apply_service_errors
from ..selectors.cases import CaseAccess, case_access


class ActorRule:
    """Who may open a view (read by the access-matrix test)."""

    MEMBER_AREA = "member_area"  # every verified user (content filtered by the selectors)
    MEMBER = "member"  # an active membership
    CASE_READ = "case_read"  # case director, participant, coordinator of the region
    CASE_CONTRIBUTE = "case_contribute"
    CASE_DIRECT = "case_direct"  # case director, coordinator
    # retracting one timeline entry or document, or narrowing an entry's audience: its author,
    # the case director, a coordinator of the region (each only if they see it)
    ITEM_RETRACT = "item_retract"
    # one action: case director, coordinator, a participant acting for the owning service
    ACTION_CHANGE = "action_change"
    # a closure waiting for confirmation: a coordinator of the region, not the case director
    CLOSURE_DECIDE = "closure_decide"
    # an urgent necessity waiting for review: a coordinator of the region who is neither the
    # case director nor the one who invoked it
    BASIS_REVIEW = "basis_review"
    # a plan version waiting for approval (four eyes): a coordinator of the region, not the
    # case director, not the one who asked
    APPROVAL_DECIDE = "approval_decide"
    CASE_AUDIT = "case_audit"  # privacy officer of the region, case director
    REFERRAL_READ = "referral_read"  # coordinator of the region, referrer
    COORDINATOR = "coordinator"
    MANAGER = "manager"  # coordinator or organisation admin
    ORGANISATION_ADMIN = "organisation_admin"  # an admin of the organisation concerned
    PRIVACY = "privacy"  # privacy officer


class ServiceFormView(FormView):
    """A form that calls one service (``perform``); its ValidationError lands in the Dutch
    error summary and nothing is saved. ``perform`` returns where to go next."""

    template_name = "collaboration/simple_form.html"
    title: Any = ""
    intro: Any = ""
    submit_label: Any = _("Versturen")
    success_message: Any = ""
    danger: ClassVar[bool] = False

    def perform(self, form: forms.Form) -> str | None:  # the one method each form view writes
        raise NotImplementedError

    def fallback_url(self) -> str:
        """Where to go when ``perform`` names no page."""
        return self.request.path

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            target = self.perform(form)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(target or self.fallback_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "title": self.title,
            "intro": self.intro,
            "submit_label": self.submit_label,
            "danger": self.danger,
        }


class CaseFormView(ServiceFormView):
    """A service form on one case: the case comes through the audited selector first."""

    template_name = "collaboration/case_form.html"
    actor_rule: ClassVar[str] = ActorRule.CASE_DIRECT
    right: ClassVar[Callable[[Basis | None], bool]] = staticmethod(can_direct)
    submit_label: Any = ""
    anchor: ClassVar[str] = ""
    access: CaseAccess

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.access = case_access(
            user=request.user, reference=kwargs["reference"], purpose=type(self).__name__
        )
        if not type(self).right(self.access.basis):
            raise NotFoundOrNotAllowed
        self.authorise()
        return super().dispatch(request, *args, **kwargs)

    def authorise(self) -> None:
        """A view's further check on the object in its URL (raise ``NotFoundOrNotAllowed``)."""

    @property
    def case(self) -> Any:
        return self.access.case

    def form_extra(self) -> dict[str, Any]:
        return {}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), **self.form_extra()}

    def fallback_url(self) -> str:
        return self.case_url()

    def case_url(self) -> str:
        url = reverse("collaboration:case_detail", args=[self.case.reference])
        return f"{url}#{self.anchor}" if self.anchor else url

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "case": self.case,
            "back_url": self.case_url(),
        }


class ContributeFormView(CaseFormView):
    actor_rule = ActorRule.CASE_CONTRIBUTE
    right = staticmethod(can_contribute)
