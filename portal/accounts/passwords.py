"""Password change and reset, on Django's own views, with audit events.

A changed password voids every other session (the session hash covers it) and closes the
person's sockets (``portal.accounts.signals``); the current session is kept by Django's view.
Changing the password needs a session verified with the second factor once one exists: a
password alone must not lock the owner out. A reset never signs in (``post_reset_login`` stays
off) and never skips the second factor: it only sets the password.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.http import HttpResponse
from django.urls import reverse_lazy

from portal.audit.events import AuditAction
from portal.audit.writer import record_event

from .models import User
from .views import VerifiedIfEnrolledMixin


class PasswordChangeView(VerifiedIfEnrolledMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        record_event(
            action=AuditAction.PASSWORD_CHANGED,
            actor=self.request.user,
            object_type="user",
            object_id=self.request.user.pk,
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """The reset link is built on ``PORTAL_BASE_URL``, like every other mail of ours: Django's
    own link uses the request's Host header, whose port ALLOWED_HOSTS never checks, so a forged
    ``Host: portal:1337`` would have mailed the account's owner a link to somewhere else."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        self.extra_email_context = {"portal_base_url": settings.PORTAL_BASE_URL.rstrip("/")}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False  # the reset link is one factor at most: sign in as usual after

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        response = super().form_valid(form)
        record_event(
            action=AuditAction.PASSWORD_RESET,
            actor=form.user,
            object_type="user",
            object_id=form.user.pk,
        )
        return response
