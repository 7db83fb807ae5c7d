"""The coordinator's decision on a plan version presented in team regie (four eyes). It only
parses input; services/approvals.py checks the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import TEXTAREA
from .services.approvals import APPROVE, REFUSE


class PlanApprovalForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Uw beslissing"),
        choices=[
            (APPROVE, _("Goedkeuren: de uitvoeringsfase kan starten")),
            (REFUSE, _("Weigeren: het plan gaat terug naar de casusregisseur")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Toelichting"),
        help_text=_(
            "Niet verplicht als u goedkeurt; verplicht als u weigert. De casusregisseur leest ze."
        ),
        required=False,
        widget=TEXTAREA,
        max_length=2000,
    )
