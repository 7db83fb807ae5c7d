"""The flag forms: raising a flag (kind, about whom, the reason), removing one (the reason) and
acknowledging one ("Gezien", no fields). Parse only; ``services.flags`` validates and saves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import TEXTAREA
from .models import FlagKind

FAMILY_AS_A_WHOLE = ""


class FlagRaiseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort signaal"), choices=FlagKind.choices, widget=forms.RadioSelect
    )
    custom_label = forms.CharField(
        label=_("Naam van het signaal"),
        help_text=_("Alleen bij 'Ander signaal': een korte naam, ten hoogste 60 tekens."),
        required=False,
        max_length=60,
    )
    family_member = forms.ChoiceField(label=_("Over wie"), required=False, choices=())
    reason = forms.CharField(
        label=_("Reden"),
        help_text=_(
            "Wat maakt dit signaal nodig? Iedereen die in het dossier werkt, leest het. Schrijf "
            "alleen wat daarvoor nodig is."
        ),
        widget=TEXTAREA,
        max_length=2000,
    )

    def __init__(self, *args: Any, members: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family_member"].choices = [
            (FAMILY_AS_A_WHOLE, _("Het hele gezin")),
            *((str(m.pk), f"{m.name} ({m.get_family_role_display()})") for m in members),
        ]


class FlagRemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van de verwijdering"),
        help_text=_(
            "Het signaal blijft in de geschiedenis staan, met wie het verwijderde, wanneer en "
            "waarom."
        ),
        widget=TEXTAREA,
        max_length=2000,
    )


class FlagAcknowledgeForm(forms.Form):
    """No fields: the button says "Gezien"."""
