"""A learner's own rights from "Mijn account": a copy of their training data and deleting the
account (GDPR art. 15, 17 and 20). The data is the sides' (today the training records): they
register what they hold in ``portal.accounts.rights_registry``.

The copy is a JSON file with Dutch keys, and a readable HTML summary of the same data, both
sent as attachments that are never cached. Deleting needs the password again (and a current
code when the person has a second factor): a session left open on a shared computer must not
be enough to erase someone. Wrong passwords and codes count towards the lockout as at sign-in.
What deletion does is in ``portal.accounts.erasure``.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user, match_token

from portal.audit.events import AuditAction
from portal.audit.writer import record_event
from portal.security.lockout import is_locked_out, lockout_response, record_second_factor_failure

from .erasure import ErasureRefused, erase_account, record_refusal, refusal_reason
from .http import AuthenticatedHttpRequest
from .models import User
from .rights_registry import CertificateChoice, certificate_count, export_for

ERASED_SESSION_KEY = "accounts_erased_certificates"


# --- The copy -------------------------------------------------------------------------------


def _export_for(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return export_for(user=request.user, absolute_url=request.build_absolute_uri)


def _attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _filename(extension: str) -> str:
    return f"mijn-vormingsgegevens-{timezone.localdate():%Y-%m-%d}.{extension}"


def _record_download(request: AuthenticatedHttpRequest, file_format: str) -> None:
    record_event(
        action=AuditAction.LEARNER_DATA_DOWNLOADED,
        actor=request.user,
        object_type="user",
        object_id=request.user.pk,
        extra={"format": file_format},
    )


def render_value(value: Any) -> SafeString:
    """Nested export data as HTML: a mapping as a definition list, a list of mappings as
    numbered sections, everything else as escaped text."""
    if isinstance(value, dict):
        return format_html(
            '<dl class="summary">{}</dl>',
            format_html_join(
                "", "<dt>{}</dt><dd>{}</dd>", ((k, render_value(v)) for k, v in value.items())
            ),
        )
    if isinstance(value, list):
        if not value:
            return format_html("{}", _("geen"))
        return format_html(
            "<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((render_value(v),) for v in value))
        )
    if value is None or value == "":
        return format_html("{}", "–")
    return format_html("{}", value)


@never_cache
@login_required
def data_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the copy holds, and the two downloads."""
    return render(request, "accounts/rights/data.html")


@login_required
def data_json(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = _export_for(request)
    _record_download(request, "json")
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return _attachment(body.encode(), "application/json; charset=utf-8", _filename("json"))


@login_required
def data_html(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = _export_for(request)
    sections = [(title, render_value(value)) for title, value in data.items()]
    _record_download(request, "html")
    body = render_to_string(
        "accounts/rights/data_summary.html", {"sections": sections}, request=request
    )
    return _attachment(body, "text/html; charset=utf-8", _filename("html"))


# --- Deletion -------------------------------------------------------------------------------


class AccountEraseForm(forms.Form):
    """Password, a current code when the person has a second factor, what happens to the
    certificates (kept by default), and an explicit confirmation."""

    password = forms.CharField(
        label=gettext_lazy("Uw wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp_token = forms.CharField(
        label=gettext_lazy("Code uit uw authenticator-app of een reservecode"),
        max_length=16,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    certificates = forms.ChoiceField(
        label=gettext_lazy("Wat gebeurt er met uw attesten?"),
        choices=[
            (
                CertificateChoice.KEEP.value,
                gettext_lazy(
                    "Bewaren zonder mijn naam: wie de code heeft, kan nog nagaan welke cursus "
                    "wanneer werd behaald en of het attest geldig is."
                ),
            ),
            (
                CertificateChoice.REVOKE.value,
                gettext_lazy(
                    "Intrekken: de controlepagina meldt dan dat het attest is ingetrokken."
                ),
            ),
        ],
        initial=CertificateChoice.KEEP.value,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Ik begrijp dat mijn account en mijn gegevens definitief verdwijnen."),
        error_messages={"required": gettext_lazy("Vink aan dat u dit begrijpt.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.needs_code = any(devices_for_user(user, confirmed=True))
        self.failed_credentials = False
        if not self.needs_code:
            del self.fields["otp_token"]

    def clean_password(self) -> str:
        password: str = self.cleaned_data.get("password", "")
        if not self.user.check_password(password):
            self.failed_credentials = True
            raise forms.ValidationError(
                _("Dit wachtwoord klopt niet. Er is niets verwijderd."), code="invalid"
            )
        return password

    def clean_otp_token(self) -> str:
        token: str = (self.cleaned_data.get("otp_token") or "").strip().replace(" ", "")
        if not token:
            raise forms.ValidationError(
                _("Vul de huidige code uit uw authenticator-app in, of een reservecode."),
                code="required",
            )
        if match_token(self.user, token) is None:
            self.failed_credentials = True
            raise forms.ValidationError(
                _("Deze code is niet geldig. Er is niets verwijderd."), code="invalid"
            )
        return token


@never_cache
@login_required
def account_erase(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    reason = refusal_reason(user)
    if reason is not None:
        if request.method == "POST":
            record_refusal(user=user)
        status = 403 if request.method == "POST" else 200
        return render(request, "accounts/rights/erase.html", {"refusal": reason}, status=status)
    if request.method == "POST" and is_locked_out(request, user):
        return lockout_response(request, user)
    form = AccountEraseForm(request.POST or None, user=user)
    context = {
        "form": form,
        "certificate_count": certificate_count(user=user),
        "data_url": reverse("accounts:data"),
    }
    if request.method != "POST":
        return render(request, "accounts/rights/erase.html", context)
    if not form.is_valid():
        if form.failed_credentials:
            record_second_factor_failure(request, user)
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request, user)
        return render(request, "accounts/rights/erase.html", context, status=400)
    choice = CertificateChoice(form.cleaned_data["certificates"])
    try:
        erase_account(user=user, certificates=choice)
    except ErasureRefused as refused:  # a membership granted since the page was shown
        record_refusal(user=user)
        return render(
            request, "accounts/rights/erase.html", {"refusal": refused.message}, status=403
        )
    logout(request)
    request.session[ERASED_SESSION_KEY] = str(choice)
    return redirect("accounts:erased")


@never_cache
def account_erased(request: HttpRequest) -> HttpResponse:
    """Shown once after the deletion, to the signed-out browser that asked for it."""
    choice = request.session.pop(ERASED_SESSION_KEY, None)
    if choice is None:
        return redirect("two_factor:login")
    return render(request, "accounts/rights/erased.html", {"revoked": choice == "revoke"})
