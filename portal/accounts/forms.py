"""Forms of the account pages. Error messages are Dutch through gettext."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp import devices_for_user, match_token

if TYPE_CHECKING:
    from django_otp.models import Device

    from .models import User


class ConfirmWithPasswordAndCodeForm(forms.Form):
    """Removing or replacing a device needs the password and a current code again."""

    password = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp_token = forms.CharField(
        label=_("Code uit uw authenticator-app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.failed_code = False

    def clean(self) -> dict[str, Any]:
        super().clean()  # Form.clean() returns cleaned_data itself
        data = self.cleaned_data
        if not self.user.check_password(data.get("password", "")):
            raise forms.ValidationError(_("Het wachtwoord of de code klopt niet."), code="invalid")
        token = (data.get("otp_token") or "").strip()
        totp_devices = [
            d for d in devices_for_user(self.user) if d.__class__.__name__ == "TOTPDevice"
        ]
        if not token or not any(d.verify_token(token) for d in totp_devices):
            self.failed_code = True
            raise forms.ValidationError(_("Het wachtwoord of de code klopt niet."), code="invalid")
        return data


class VerifyCodeForm(forms.Form):
    """The second step for a session that is signed in with a password only."""

    otp_token = forms.CharField(
        label=_("Code uit uw authenticator-app of een reservecode"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device: Device | None = None

    def clean_otp_token(self) -> str:
        token: str = self.cleaned_data["otp_token"].strip().replace(" ", "")
        device = match_token(self.user, token)
        if device is None:
            raise forms.ValidationError(
                _("Deze code is niet geldig. Gebruik de huidige code uit uw app."), code="invalid"
            )
        self.device = device
        return token


# django-otp's messages for the code step of the sign-in (two_factor's token forms use its
# mixin), in Dutch: django-otp ships no Dutch catalogue, so a wrong code read
# "Invalid token. Please make sure you have entered it correctly."
OTP_ERROR_MESSAGES: dict[str, Any] = {
    "token_required": _("Geef de code uit uw authenticator-app."),
    "challenge_exception": _("De code kon niet worden aangemaakt: {0}"),
    "not_interactive": _("Dit toestel toont zelf geen code."),
    "challenge_message": _("Code gevraagd: {0}"),
    "invalid_token": _("Deze code is niet geldig. Gebruik de huidige code uit uw app."),
    "n_failed_attempts": ngettext_lazy(
        "Na %(failure_count)d foute code kunt u het even niet opnieuw proberen. Wacht even.",
        "Na %(failure_count)d foute codes kunt u het even niet opnieuw proberen. Wacht even.",
        "failure_count",
    ),
    "verification_not_allowed": _("U kunt het even niet opnieuw proberen. Wacht even."),
    "device_required": _("Kies een toestel."),
}
