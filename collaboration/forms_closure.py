"""Forms of the closure with a coordinator's confirmation and of the plan's evaluation. They
only parse input; services/closure.py and services/plans.py check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import TEXTAREA, DateInput
from .models import CLOSURE_CRITERIA, CriterionAnswer
from .services.closure import CONFIRM, REFUSE, reason_field


def _reason(index: int) -> forms.CharField:
    return forms.CharField(
        label=_("Waarom niet: %(criterion)s") % {"criterion": CLOSURE_CRITERIA[index][1]},
        help_text=_("Verplicht bij 'Nee'."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class ClosureForm(forms.Form):
    """The five criteria, each followed by the reason a "Nee" needs, then the summary and
    the card for the family. The reasons are declared (``reason_field`` names them) so that
    every free-text field is visible on the class."""

    criterion_no_new_violence_reason = _reason(0)
    criterion_progress_reason = _reason(1)
    criterion_help_running_reason = _reason(2)
    criterion_everyone_knows_reason = _reason(3)
    criterion_clients_know_whom_reason = _reason(4)
    closing_summary = forms.CharField(
        label=_("Samenvatting bij de afsluiting"), widget=TEXTAREA, max_length=5000
    )
    contact_card = forms.CharField(
        label=_("Wie contacteren voor wat (voor het gezin)"),
        help_text=_("Bijvoorbeeld: 'Vragen over de kinderen: SDJ, mevrouw X, 09 000 00 00'."),
        widget=TEXTAREA,
        max_length=3000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        order = []
        for name, label in CLOSURE_CRITERIA:
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=CriterionAnswer.choices,
                widget=forms.RadioSelect,
                help_text=_("Bij 'Nee' schrijft u hieronder waarom."),
            )
            order += [name, reason_field(name)]
        self.order_fields([*order, "closing_summary", "contact_card"])

    def reasons(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(reason_field(name), "") for name, _l in CLOSURE_CRITERIA
        }


class ClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Uw beslissing"),
        choices=[
            (CONFIRM, _("Bevestigen: het dossier wordt afgesloten")),
            (REFUSE, _("Weigeren: het dossier blijft in de afrondingsfase")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Toelichting"),
        help_text=_("Verplicht als u weigert; de casusregisseur leest ze."),
        required=False,
        widget=TEXTAREA,
        max_length=2000,
    )


class PlanEvaluationForm(forms.Form):
    evaluation = forms.CharField(
        label=_("Evaluatie van het plan van aanpak"),
        help_text=_("Wat is bereikt, wat niet, en waarom."),
        widget=TEXTAREA,
        max_length=4000,
    )
    evaluated_on = forms.DateField(label=_("Geëvalueerd op"), widget=DateInput())
