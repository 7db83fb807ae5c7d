"""Account pages: sign-in (password, then second factor), verification, devices, sign-out.

The two-factor wizard itself comes from django-two-factor-auth; we wrap it only where the
standard asks more of it: wrong codes count towards lockout, expired sessions are explained.
"""

from __future__ import annotations

from typing import Any

import django_otp
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.views import LoginView as TwoFactorLoginView

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

from .forms import ConfirmWithPasswordAndCodeForm, VerifyCodeForm

BACKUP_CODE_COUNT = 10
_CODE_LABELS = {
    "token": gettext_lazy("Code van 6 cijfers"),
    "backup": gettext_lazy("Reservecode"),
}


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class SignInView(TwoFactorLoginView):
    """Password, then a TOTP or backup code; wrong codes count towards the lockout."""

    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = False

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        step = self.steps.current
        if step in (self.TOKEN_STEP, self.BACKUP_STEP):
            user = self.get_user()
            if user is not None and is_locked_out(self.request, user):
                self.storage.reset()
                return lockout_response(self.request, user)
        return super().post(*args, **kwargs)

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
        return super().render(form, **kwargs)

    def get_form(self, step: str | None = None, **kwargs: Any) -> Any:
        form = super().get_form(step, **kwargs)
        label = _CODE_LABELS.get(step or self.steps.current)
        if label and "otp_token" in form.fields:
            form.fields["otp_token"].label = label
        return form

    def get_context_data(self, form: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(form, **kwargs)
        context["session_expired"] = self.request.session.pop(EXPIRED_FLAG_KEY, False)
        return context


class VerifyView(LoginRequiredMixin, FormView):
    """Second step for a session that is signed in with a password only."""

    template_name = "accounts/verify.html"
    form_class = VerifyCodeForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            if request.user.is_verified():
                return HttpResponseRedirect(_safe_next(request, reverse("accounts:home")))
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
        return HttpResponseRedirect(_safe_next(self.request, reverse("accounts:home")))


class AccountHomeView(LoginRequiredMixin, TemplateView):
    """ "Mijn account": who you are signed in as, your second factor, your sessions."""

    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        static = StaticDevice.objects.filter(user=user, confirmed=True).first()
        return {
            **super().get_context_data(**kwargs),
            "totp_devices": TOTPDevice.objects.filter(user=user, confirmed=True),
            "backup_codes_left": static.token_set.count() if static else 0,
        }


class VerifiedRequiredMixin(LoginRequiredMixin):
    """Device management needs a session verified in this sitting."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not request.user.is_verified():
            return redirect(f"{reverse('accounts:verify')}?next={request.path}")
        return super().dispatch(request, *args, **kwargs)


class BackupCodesView(VerifiedRequiredMixin, View):
    """Backup codes are shown once, right after they are made; a GET only shows how many remain."""

    template_name = "accounts/backup_codes.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        static = StaticDevice.objects.filter(user=request.user).first()
        left = static.token_set.count() if static else 0
        return render(request, self.template_name, {"codes": None, "codes_left": left})

    def post(self, request: HttpRequest) -> HttpResponse:
        with transaction.atomic():
            device, _created = StaticDevice.objects.get_or_create(
                user=request.user, name="backup", defaults={"confirmed": True}
            )
            device.token_set.all().delete()
            codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
            for code in codes:
                device.token_set.create(token=code)
            record_event(
                action=AuditAction.BACKUP_CODES_RENEWED,
                actor=request.user,
                object_type="device",
                object_id=device.persistent_id,
            )
        response = render(
            request,
            self.template_name,
            {"codes": codes, "codes_left": len(codes)},
        )
        response["Cache-Control"] = "no-store"
        return response


class DeviceRemoveView(VerifiedRequiredMixin, FormView):
    """Remove the authenticator app (to replace it): needs the password and a current code."""

    template_name = "accounts/device_remove.html"
    form_class = ConfirmWithPasswordAndCodeForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
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
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            # Other sessions were verified with the removed device: end them too.
            user.rotate_session_stamp()
            user.save(update_fields=["session_stamp"])
        close_user_sockets(user.pk)
        logout(self.request)
        messages.success(
            self.request,
            _("Uw authenticator-app is verwijderd. Meld u opnieuw aan en stel een nieuwe in."),
        )
        return redirect("two_factor:login")


class SignOutEverywhereView(LoginRequiredMixin, View):
    """End every session of this user, in every browser, and close their live connections."""

    def post(self, request: HttpRequest) -> HttpResponse:
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
