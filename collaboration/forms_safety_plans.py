"""The safety-plan form: the six parts of the plan and the version it started from. Parse
only; ``services.safety_plans`` validates and saves a new version."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import TEXTAREA


def _part(label: str, hint: str) -> forms.CharField:
    return forms.CharField(
        label=label, help_text=hint, widget=TEXTAREA, required=False, max_length=4000
    )


class SafetyPlanForm(forms.Form):
    warning_signs = _part(
        _("Waarschuwingssignalen"), _("Waaraan merkt de persoon dat het onveilig wordt?")
    )
    what_to_do = _part(_("Wat ik dan doe"), _("Stap voor stap, in de woorden van de persoon."))
    safe_places = _part(_("Veilige plekken"), _("Waar kan de persoon naartoe, ook 's nachts?"))
    trusted_people = _part(
        _("Mensen die ik vertrouw en hun nummers"),
        _("Namen en telefoonnummers; in nood 112, anoniem praten over geweld: 1712."),
    )
    family_agreements = _part(
        _("Afspraken met de andere gezinsleden"), _("Wat is afgesproken, met wie.")
    )
    services = _part(_("Welke dienst doet wat"), _("Wie helpt waarmee, en hoe ze te bereiken."))
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
