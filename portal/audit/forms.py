from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .events import AuditAction, Outcome


class AuditFilterForm(forms.Form):
    """Filters of the audit viewer. All optional; dates are inclusive, in local time."""

    user = forms.CharField(label=_("Gebruiker (e-mailadres)"), required=False, max_length=254)
    organisation = forms.CharField(
        label=_("Organisatie (volledige naam)"), required=False, max_length=200
    )
    case = forms.CharField(label=_("Dossier (referentie)"), required=False, max_length=40)
    action = forms.TypedChoiceField(
        label=_("Handeling"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Alle handelingen")), *AuditAction.choices],
    )
    outcome = forms.ChoiceField(
        label=_("Resultaat"), required=False, choices=[("", _("Alle")), *Outcome.choices]
    )
    date_from = forms.DateField(
        label=_("Vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("De einddatum ligt vóór de begindatum."))
        return data
