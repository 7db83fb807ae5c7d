"""Account pages: sign-in (password, then second factor), verification, devices, sign-out.

The two-factor wizard itself comes from django-two-factor-auth; we wrap it where the standard
asks more of it: wrong codes count towards lockout, expired sessions are explained, the code step
is never skipped while any second factor exists (upstream only looks for a device named
"default"), and enrolment is no way around the second factor (upstream checks for an existing
device on GET only, and ``done`` marks the session verified).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, RedirectView, TemplateView
from two_factor.utils import default_device
from two_factor.views import LoginView as TwoFactorLoginView
from two_factor.views import QRGeneratorView as TwoFactorQRGeneratorView
from two_factor.views import SetupView as TwoFactorSetupView

from portal.audit.events import AuditAction
from portal.audit.writer import record_event
from portal.security.lockout import (
    is_locked_out,
    lockout_response,
    record_second_factor_failure,
)
from portal.security.policy import has_confirmed_device
from portal.security.sessions import EXPIRED_FLAG_KEY
from portal.security.sockets import close_user_sockets

from .forms import OTP_ERROR_MESSAGES, ConfirmWithPasswordAndCodeForm, VerifyCodeForm
from .http import AuthenticatedHttpRequest
from .landing import landing_url
from .selectors import authenticator_apps, backup_codes_left, confirmed_devices, is_backup_codes
from .services import backup_codes_renew, second_factor_remove, user_lock_row
from .signals import keep_this_session

if TYPE_CHECKING:
    from django_otp.models import Device

    # Generic in django-stubs only; the mixin's super() calls are checked against View.
    _VerifyFormView = FormView[VerifyCodeForm]
    _RemoveFormView = FormView[ConfirmWithPasswordAndCodeForm]
    _View = View
else:
    _VerifyFormView = _RemoveFormView = FormView
    _View = object

# two_factor ships no type information: its views are Any to mypy, hence the ignores on the
# classes built on them (the checks inside still run).

_CODE_LABELS = {
    "token": gettext_lazy("Code van 6 cijfers"),
    "backup": gettext_lazy("Reservecode"),
}


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


_confirmed_devices = confirmed_devices


class SignInView(TwoFactorLoginView):  # type: ignore[misc]
    """Password, then a TOTP or backup code; wrong codes count towards the lockout.

    two_factor asks for a code only when the user has a confirmed device named "default" (and
    picks that one): a device under any other name made the wizard sign in with the password
    alone. Here any confirmed device means the code step, and ``done`` refuses to sign in a user
    who has one without a device verified in this sign-in. There is no "remember this browser"
    (``TWO_FACTOR_REMEMBER_COOKIE_AGE`` is off), so nothing else may skip the step either.
    """

    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = False
    device_cache: Device | None

    def has_token_step(self) -> bool:
        return bool(_confirmed_devices(self.get_user()))

    def has_backup_step(self) -> bool:
        return (
            bool(_confirmed_devices(self.get_user()))
            and self.TOKEN_STEP not in self.storage.validated_step_data
        )

    condition_dict = {
        TwoFactorLoginView.TOKEN_STEP: has_token_step,
        TwoFactorLoginView.BACKUP_STEP: has_backup_step,
    }

    def get_device(self, step: str | None = None) -> Any:
        """The device the code step asks for: the one chosen, else "default", else any other
        confirmed authenticator (never an unconfirmed one), else the backup codes."""
        if not self.device_cache:
            user = self.get_user()
            devices = _confirmed_devices(user)
            chosen = self.request.POST.get("challenge_device") or self.storage.data.get(
                "challenge_device"
            )
            if step == self.BACKUP_STEP:
                self.device_cache = next((d for d in devices if is_backup_codes(d)), None)
            elif chosen:
                self.device_cache = next((d for d in devices if d.persistent_id == chosen), None)
            if not self.device_cache:
                others = [d for d in devices if not is_backup_codes(d)]
                self.device_cache = (
                    default_device(user)
                    or (others[0] if others else None)
                    or next(iter(devices), None)
                )
        return self.device_cache

    def done(self, form_list: Any, **kwargs: Any) -> HttpResponse:
        user = self.get_user()
        device = getattr(user, "otp_device", None)
        if _confirmed_devices(user) and (
            device is None or device.user_id != user.pk or not device.confirmed
        ):
            # Unreachable through the steps above; kept so that no future step order can sign
            # someone with a second factor in on their password alone.
            self.storage.reset()
            return redirect("two_factor:login")
        response: HttpResponse = super().done(form_list, **kwargs)
        return response

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        if "challenge_device" in self.request.POST and self.TOKEN_STEP not in self.get_form_list():
            # Upstream jumps to the code step without asking whether there is one: before the
            # password step (or after a failed one) that was a server error.
            self.storage.reset()
            restart: HttpResponse = self.render_goto_step(self.FIRST_STEP)
            return restart
        step = self.steps.current
        if step in (self.TOKEN_STEP, self.BACKUP_STEP):
            user = self.get_user()
            if user is not None and is_locked_out(self.request, user):
                self.storage.reset()
                return lockout_response(self.request, user)
        response: HttpResponse = super().post(*args, **kwargs)
        return response

    def render(self, form: Any = None, **kwargs: Any) -> HttpResponse:
        step = self.steps.current
        if (
            form is not None
            and form.is_bound
            and form.errors
            and step in (self.TOKEN_STEP, self.BACKUP_STEP)
        ):
            user = self.get_user()
            if user is not None:
                record_second_factor_failure(self.request, user)
                if getattr(self.request, "axes_locked_out", False):
                    self.storage.reset()
                    return lockout_response(self.request, user)
        response: HttpResponse = super().render(form, **kwargs)
        return response

    def get_form(self, step: str | None = None, **kwargs: Any) -> Any:
        form = super().get_form(step, **kwargs)
        if hasattr(form, "otp_error_messages"):
            form.otp_error_messages = OTP_ERROR_MESSAGES
        label = _CODE_LABELS.get(step or self.steps.current)
        if label and "otp_token" in form.fields:
            form.fields["otp_token"].label = label
        return form

    def get_success_url(self) -> str:
        """The safe ``next`` the sign-in was opened with (kept in the form's address through
        both steps), else the workspace or "Mijn account" (``landing``)."""
        target: str = self.get_redirect_url()
        return target or landing_url(self.get_user())

    def get_context_data(self, form: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(form, **kwargs)
        context["session_expired"] = self.request.session.pop(EXPIRED_FLAG_KEY, False)
        return context


class VerifyView(LoginRequiredMixin, _VerifyFormView):
    """Second step for a session that is signed in with a password only."""

    request: AuthenticatedHttpRequest
    template_name = "accounts/verify.html"
    form_class = VerifyCodeForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            if request.user.is_verified():
                return HttpResponseRedirect(_safe_next(request, landing_url(request.user)))
            if not has_confirmed_device(request.user):
                return redirect("two_factor:setup")
            if request.method == "POST" and is_locked_out(request, request.user):
                return lockout_response(request, request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_invalid(self, form: VerifyCodeForm) -> HttpResponse:
        record_second_factor_failure(self.request, self.request.user)
        if getattr(self.request, "axes_locked_out", False):
            return lockout_response(self.request, self.request.user)
        return super().form_invalid(form)

    def form_valid(self, form: VerifyCodeForm) -> HttpResponse:
        # A step up in privilege gets a fresh session id, as a sign-in does.
        self.request.session.cycle_key()
        django_otp.login(self.request, form.device)
        return HttpResponseRedirect(_safe_next(self.request, landing_url(self.request.user)))


class AccountHomeView(LoginRequiredMixin, TemplateView):
    """ "Mijn account": who you are signed in as, your second factor, your sessions."""

    request: AuthenticatedHttpRequest
    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "totp_devices": authenticator_apps(user),
            "backup_codes_left": backup_codes_left(user, confirmed_only=True),
        }


def _to_verification(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('accounts:verify')}?{urlencode({'next': request.get_full_path()})}")


class VerifiedRequiredMixin(LoginRequiredMixin):
    """Device management needs a session verified in this sitting."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not request.user.is_verified():
            return _to_verification(request)
        return super().dispatch(request, *args, **kwargs)


class VerifiedIfEnrolledMixin(_View):
    """Once someone has any second factor, this page needs a session verified with it.

    For enrolment, the password change and the like: a password alone must not add an
    authenticator (which would then verify the session) or change the password. Checked in
    ``dispatch``, so for every method and every step of a wizard.
    """

    def refuse(self, request: HttpRequest) -> HttpResponse:
        return _to_verification(request)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and not user.is_verified() and has_confirmed_device(user):
            return self.refuse(request)
        return super().dispatch(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class SetupView(VerifiedIfEnrolledMixin, TwoFactorSetupView):  # type: ignore[misc]
    """Enrolment of an authenticator app (keeps two_factor's class name: the form prefix).

    - someone who already has a second factor needs a session verified with it, on every step,
      GET and POST (upstream: GET only, and only for a device named "default");
    - someone with an authenticator app already goes to their account page: one app per person,
      replaced by removing it first (with password and code);
    - ``done`` checks again with the user row locked, so two enrolments at once make one device;
    - enrolling ends every other session and socket (``signals``) and keeps this one.
    """

    request: AuthenticatedHttpRequest  # two_factor's SetupView is behind login_required

    def _has_authenticator(self) -> bool:
        return any(not is_backup_codes(d) for d in _confirmed_devices(self.request.user))

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and user.is_verified() and self._has_authenticator():
            return redirect("accounts:home")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Upstream redirects here when a "default" device exists; dispatch has decided already.
        response: HttpResponse = super(TwoFactorSetupView, self).get(request, *args, **kwargs)
        return response

    def done(self, form_list: Any, **kwargs: Any) -> HttpResponse:
        request = self.request
        with transaction.atomic():
            user_lock_row(user=request.user)
            if not request.user.is_verified() and has_confirmed_device(request.user):
                self.storage.reset()
                return self.refuse(request)
            if request.user.is_verified() and self._has_authenticator():
                self.storage.reset()
                return redirect("accounts:home")
            response: HttpResponse = super().done(form_list, **kwargs)
        keep_this_session(request)
        return response


@method_decorator(never_cache, name="dispatch")
class QRGeneratorView(VerifiedIfEnrolledMixin, TwoFactorQRGeneratorView):  # type: ignore[misc]
    """The QR code of the secret being enrolled: under the same rule as enrolment."""

    def refuse(self, request: HttpRequest) -> HttpResponse:
        raise Http404


class BackupCodesView(VerifiedRequiredMixin, View):
    """Backup codes are shown once, right after they are made; a GET only shows how many remain."""

    template_name = "accounts/backup_codes.html"

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        left = backup_codes_left(request.user)
        return render(request, self.template_name, {"codes": None, "codes_left": left})

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        codes, created = backup_codes_renew(user=request.user)
        if created:
            # A new second factor ended the other sessions (signals); this one stays.
            keep_this_session(request)
        response = render(
            request,
            self.template_name,
            {"codes": codes, "codes_left": len(codes)},
        )
        response["Cache-Control"] = "no-store"
        return response


class DeviceRemoveView(VerifiedRequiredMixin, _RemoveFormView):
    """Remove the authenticator app (to replace it): needs the password and a current code."""

    request: AuthenticatedHttpRequest
    template_name = "accounts/device_remove.html"
    form_class = ConfirmWithPasswordAndCodeForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if (
            request.user.is_authenticated
            and request.method == "POST"
            and is_locked_out(request, request.user)
        ):
            return lockout_response(request, request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_invalid(self, form: ConfirmWithPasswordAndCodeForm) -> HttpResponse:
        record_second_factor_failure(self.request, self.request.user)
        if getattr(self.request, "axes_locked_out", False):
            return lockout_response(self.request, self.request.user)
        return super().form_invalid(form)

    def form_valid(self, form: ConfirmWithPasswordAndCodeForm) -> HttpResponse:
        user = self.request.user
        # Removing a device rotates the session stamp and closes the user's sockets
        # (portal.accounts.signals): every session verified with it ends, this one too.
        second_factor_remove(user=user)
        logout(self.request)
        messages.success(
            self.request,
            _("Uw authenticator-app is verwijderd. Meld u opnieuw aan en stel een nieuwe in."),
        )
        return redirect("two_factor:login")


class SignOutEverywhereView(LoginRequiredMixin, View):
    """End every session of this user, in every browser, and close their live connections."""

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        user = request.user
        with transaction.atomic():
            user.rotate_session_stamp()
            user.save(update_fields=["session_stamp"])
            record_event(
                action=AuditAction.SIGNED_OUT_EVERYWHERE,
                actor=user,
                object_type="user",
                object_id=user.pk,
            )
        close_user_sockets(user.pk)
        logout(request)
        messages.success(request, _("U bent overal afgemeld."))
        return redirect("two_factor:login")


class FrontEndSignInRedirectView(RedirectView):
    """Stands in for Wagtail's front-end login (``_util/login/``, under every language prefix).

    Wagtail mounts Django's plain ``LoginView`` there for pages restricted to signed-in users:
    a password alone gave a session for any account. Every method (a POST with credentials
    too) is sent to the two-step sign-in instead, keeping a safe ``next``; nothing is read.
    """

    permanent = False
    query_string = False

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        target = reverse("two_factor:login")
        next_url = self.request.GET.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(
            next_url,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            target = f"{target}?{urlencode({'next': next_url})}"
        return target
