"""Forms only parse input; the services validate the rules and save. Labels in Dutch."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Volledige naam"), max_length=150)
    password1 = forms.CharField(
        label=_("Wachtwoord"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Herhaal het wachtwoord"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("De wachtwoorden zijn niet gelijk."))
        return data
