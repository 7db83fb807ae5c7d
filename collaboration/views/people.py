"""People and notices: members and invitations, deactivation, notifications, break the glass.
The invitation acceptance page under /account/ is ``portal.organisations.views``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from ..access import NotFoundOrNotAllowed, actor_profile
from ..forms import BreakGlassForm, InvitationForm
from ..selectors.people import (
    active_membership,
    invitations_waiting_on_others,
    managed_organisations,
    memberships_in,
    notifications_of,
)
from ..services.cases import break_the_glass
from ..services.members import (
    invitation_approve,
    invitation_refuse,
    invitation_send,
    may_manage,
    membership_deactivate,
    pending_approval_for,
    pending_approvals,
)
from ..services.notifications import notifications_mark_read
from .base import ActorRule, ServiceFormView


class MembersView(TemplateView):
    actor_rule = ActorRule.MANAGER
    template_name = "collaboration/members.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisations = managed_organisations(self.request.user)
        if not organisations.exists():
            raise NotFoundOrNotAllowed
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "memberships": memberships_in(organisations),
            "approvals": list(pending_approvals(user)),
            "waiting_elsewhere": invitations_waiting_on_others(user),
        }


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
        self.organisations = managed_organisations(request.user)
        if not self.organisations.exists():
            raise NotFoundOrNotAllowed
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "organisations": self.organisations}

    def perform(self, form: forms.Form) -> str:
        invitation, _token = invitation_send(actor=self.request.user, **form.cleaned_data)
        if invitation.needs_approval:
            self.success_message = _(
                "De uitnodiging is verstuurd. Een beheerder van %(organisation)s moet het "
                "lidmaatschap nog goedkeuren; tot dan krijgt de persoon geen toegang."
            ) % {"organisation": invitation.organisation.name}
        return reverse("collaboration:members")


class _ApprovalDecisionView(ServiceFormView):
    """Confirm, then decide on one accepted invitation that waits for an admin of its
    organisation. Anyone else, the invitee and the inviter included, gets the same 404."""

    actor_rule = ActorRule.ORGANISATION_ADMIN
    form_class = forms.Form

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.invitation = pending_approval_for(request.user, kwargs["invitation_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        invitation = self.invitation
        return {
            **super().get_context_data(**kwargs),
            "intro": _(
                "%(name)s (%(email)s), uitgenodigd door %(by)s als %(role)s van %(organisation)s."
            )
            % {
                "name": invitation.accepted_user.full_name,
                "email": invitation.accepted_user.email,
                "by": invitation.invited_by.full_name,
                "role": invitation.get_role_display(),
                "organisation": invitation.organisation.name,
            },
        }


class InvitationApproveView(_ApprovalDecisionView):
    title = _("Lidmaatschap goedkeuren")
    submit_label = _("Goedkeuren")
    success_message = _("Het lidmaatschap is goedgekeurd.")

    def perform(self, form: forms.Form) -> str:
        invitation_approve(actor=self.request.user, invitation=self.invitation)
        return reverse("collaboration:members")


class InvitationRefuseView(_ApprovalDecisionView):
    title = _("Lidmaatschap weigeren")
    submit_label = _("Weigeren")
    success_message = _("Het lidmaatschap is geweigerd.")
    danger = True

    def perform(self, form: forms.Form) -> str:
        invitation_refuse(actor=self.request.user, invitation=self.invitation)
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
        self.membership = active_membership(kwargs["membership_id"])
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
        items = notifications_of(self.request.user)
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
