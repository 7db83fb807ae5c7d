"""The risk-assessment form: one question per field, built from the instrument's data, grouped
by life domain. Parse only; ``services.risk`` validates (every question answered, a reason
for a level other than the computed one) and saves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import TEXTAREA, DateInput
from .models import FactorKind, LifeDomain, RiskAnswer, RiskLevel

QUESTION_PREFIX = "vraag_"


class RiskAssessmentForm(forms.Form):
    family_member = forms.ChoiceField(
        label=_("Over wie gaat deze taxatie?"), choices=(), required=False
    )
    judged_level = forms.ChoiceField(
        label=_("Uw eigen oordeel"),
        help_text=_(
            "Het portaal berekent het niveau uit de antwoorden. Wijkt uw professionele oordeel "
            "af, kies dan het niveau en geef de reden."
        ),
        choices=[("", _("Het berekende niveau volgen")), *RiskLevel.choices],
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Reden van uw eigen oordeel"),
        help_text=_("Verplicht als u afwijkt van het berekende niveau."),
        widget=TEXTAREA,
        required=False,
        max_length=2000,
    )
    review_due_on = forms.DateField(
        label=_("Opnieuw taxeren tegen"),
        help_text=_("Leeg: na de termijn die het instrument aanraadt."),
        required=False,
        widget=DateInput(),
    )

    def __init__(self, *args: Any, instrument: Any = None, family: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family_member"].choices = [("", _("Het gezin als geheel"))] + [
            (str(member.pk), f"{member.name} ({member.get_family_role_display()})")
            for member in family
        ]
        self.questions = list(instrument.questions.all()) if instrument is not None else []
        for question in self.questions:
            self.fields[QUESTION_PREFIX + question.key] = forms.ChoiceField(
                label=question.text,
                choices=RiskAnswer.choices,
                widget=forms.RadioSelect,
                required=False,
            )

    def domain_groups(self) -> list[dict[str, Any]]:
        """The question fields by life domain, in the instrument's order."""
        domains = dict(LifeDomain.choices)
        kinds = dict(FactorKind.choices)
        groups: dict[str, dict[str, Any]] = {}
        for question in self.questions:
            group = groups.setdefault(
                question.domain, {"label": domains.get(question.domain, ""), "fields": []}
            )
            group["fields"].append((self[QUESTION_PREFIX + question.key], kinds[question.kind]))
        return list(groups.values())

    def answers(self) -> dict[str, str]:
        return {q.key: self.cleaned_data.get(QUESTION_PREFIX + q.key) or "" for q in self.questions}
