"""People and notices: members and invitations, deactivation, notifications, break the glass,
and the invitation acceptance page under /account/ (outside the second-factor gate, since the
invited person has no account yet)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import login
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from ..access import NotFoundOrNotAllowed, actor_profile
from ..forms import BreakGlassForm, InvitationAcceptForm, InvitationForm
from ..models import Membership, Notification, Organisation
from ..services.cases import break_the_glass
from ..services.members import (
    invitation_accept,
    invitation_for_token,
    invitation_send,
    may_manage,
    membership_deactivate,
)
from ..services.notifications import notifications_mark_read
from .base import ActorRule, ServiceFormView


def _managed_organisations(user: Any) -> Any:
    profile = actor_profile(user)
    return Organisation.objects.filter(
        Q(region__in=profile.coordinator_regions) | Q(pk__in=profile.admin_organisation_ids),
        is_active=True,
    ).order_by("name")


class MembersView(TemplateView):
    actor_rule = ActorRule.MANAGER
    template_name = "collaboration/members.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisations = _managed_organisations(self.request.user)
        if not organisations.exists():
            raise NotFoundOrNotAllowed
        memberships = (
            Membership.objects.filter(organisation__in=organisations, is_active=True)
            .select_related("user", "organisation")
            .order_by("organisation__name", "user__full_name")
        )
        return {**super().get_context_data(**kwargs), "memberships": memberships}


class InvitationCreateView(ServiceFormView):
    actor_rule = ActorRule.MANAGER
    form_class = InvitationForm
    title = _("Iemand uitnodigen")
    intro = _(
        "De persoon krijgt een e-mail met een link die 7 dagen geldig is. Bij het aanmaken "
        "van het account is een tweede stap (authenticator-app) verplicht."
    )
    submit_label = _("Uitnodiging versturen")
    success_message = _("De uitnodiging is verstuurd.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.organisations = _managed_organisations(request.user)
        if not self.organisations.exists():
            raise NotFoundOrNotAllowed
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "organisations": self.organisations}

    def perform(self, form: forms.Form) -> str:
        invitation_send(actor=self.request.user, **form.cleaned_data)
        return reverse("collaboration:members")


class MembershipDeactivateView(ServiceFormView):
    actor_rule = ActorRule.MANAGER
    form_class = forms.Form
    title = _("Lid deactiveren")
    intro = _(
        "De persoon wordt overal afgemeld, live verbindingen worden gesloten en de toegang tot "
        "dossiers van deze dienst vervalt meteen."
    )
    submit_label = _("Deactiveren")
    success_message = _("Het lid is gedeactiveerd.")
    danger = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.membership = (
            Membership.objects.select_related("organisation", "user")
            .filter(pk=kwargs["membership_id"], is_active=True)
            .first()
        )
        if self.membership is None or not may_manage(request.user, self.membership.organisation):
            raise NotFoundOrNotAllowed
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "subject": self.membership}

    def perform(self, form: forms.Form) -> str:
        membership_deactivate(actor=self.request.user, membership=self.membership)
        return reverse("collaboration:members")


class NotificationListView(TemplateView):
    actor_rule = ActorRule.MEMBER_AREA
    template_name = "collaboration/notifications.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        items = list(Notification.objects.filter(user=self.request.user)[:100])
        notifications_mark_read(user=self.request.user)
        return {**super().get_context_data(**kwargs), "notifications": items}


class BreakGlassView(ServiceFormView):
    actor_rule = ActorRule.PRIVACY
    form_class = BreakGlassForm
    title = _("Noodtoegang tot een dossier")
    intro = _(
        "Als privacyverantwoordelijke ziet u audittrails, geen inhoud. In een noodgeval kunt u "
        "voor 4 uur toegang nemen tot één dossier van uw regio. Dat wordt gelogd en de "
        "casusregisseur wordt verwittigd."
    )
    submit_label = _("Noodtoegang nemen")
    success_message = _("Noodtoegang verleend voor 4 uur.")
    danger = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not actor_profile(request.user).is_privacy_officer:
            raise NotFoundOrNotAllowed
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form: forms.Form) -> str:
        case = break_the_glass(actor=self.request.user, **form.cleaned_data)
        return reverse("collaboration:case_detail", args=[case.reference])


class InvitationAcceptView(ServiceFormView):
    """``/account/uitnodiging/<token>/``: create the account, sign in; the security middleware
    then sends the new member to second-factor enrolment before anything else."""

    form_class = InvitationAcceptForm
    title = _("Uw account aanmaken")
    submit_label = _("Account aanmaken")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.invitation = invitation_for_token(kwargs["token"])
        if self.invitation is None:
            raise NotFoundOrNotAllowed
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "intro": _(
                "U bent uitgenodigd voor %(organisation)s met het e-mailadres %(email)s. Na het "
                "aanmaken stelt u een tweede stap in met een authenticator-app."
            )
            % {"organisation": self.invitation.organisation.name, "email": self.invitation.email},
        }

    def perform(self, form: forms.Form) -> str:
        data = form.cleaned_data
        user = self.request.user if self.request.user.is_authenticated else None
        account = invitation_accept(
            token=self.kwargs["token"],
            full_name=data["full_name"],
            password=data["password1"],
            user=user,
        )
        if user is None:
            login(self.request, account, backend="django.contrib.auth.backends.ModelBackend")
        return reverse("two_factor:setup")
