"""The invitation acceptance page under /account/ (outside the second-factor gate, since the
invited person has no account yet)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from .forms import InvitationAcceptForm
from .selectors import invitation_for_token
from .services import InvitationNotFound, invitation_accept

if TYPE_CHECKING:
    _AcceptFormView = FormView[InvitationAcceptForm]
else:
    _AcceptFormView = FormView


class InvitationAcceptView(_AcceptFormView):
    """``/account/uitnodiging/<token>/``: create the account, sign in; the security middleware
    then sends the new member to second-factor enrolment before anything else."""

    form_class = InvitationAcceptForm
    template_name = "collaboration/simple_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        invitation = invitation_for_token(kwargs["token"])
        if invitation is None:
            raise InvitationNotFound
        self.invitation = invitation
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "title": _("Uw account aanmaken"),
            "intro": _(
                "U bent uitgenodigd voor %(organisation)s met het e-mailadres %(email)s. Na het "
                "aanmaken stelt u een tweede stap in met een authenticator-app."
            )
            % {"organisation": self.invitation.organisation.name, "email": self.invitation.email},
            "submit_label": _("Account aanmaken"),
            "danger": False,
        }

    def form_valid(self, form: InvitationAcceptForm) -> HttpResponse:
        data = form.cleaned_data
        user = self.request.user if self.request.user.is_authenticated else None
        try:
            account = invitation_accept(
                token=self.kwargs["token"],
                full_name=data["full_name"],
                password=data["password1"],
                user=user,
            )
        except ValidationError as error:
            # the service's refusal lands in the Dutch error summary; nothing was saved
            if hasattr(error, "error_dict"):
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                form.add_error(None, error.messages)
            return self.form_invalid(form)
        if user is None:
            login(self.request, account, backend="django.contrib.auth.backends.ModelBackend")
        return HttpResponseRedirect(reverse("two_factor:setup"))
