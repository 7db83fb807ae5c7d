"""Forms of the subject-access pages (/audit/inzage/). Labels and messages in Dutch; the
services validate again, so a form is a convenience, never the rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    FamilyMember,
    HeldDecision,
    IdentityCheck,
    RectificationKind,
    RequesterRelation,
)


class FindCaseForm(forms.Form):
    dossier = forms.CharField(
        label=_("Dossiernummer"),
        max_length=40,
        help_text=_("Bijvoorbeeld VH-OVL-2026-0001."),
        error_messages={"required": _("Vul het dossiernummer in.")},
    )


class FindProfessionalForm(forms.Form):
    professional = forms.EmailField(
        label=_("E-mailadres van de professional"),
        max_length=254,
        error_messages={
            "required": _("Vul het e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in."),
        },
    )


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegisterForm(forms.Form):
    member = forms.TypedChoiceField(
        label=_("Over welk gezinslid gaat het verzoek?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies het gezinslid."),
            "invalid_choice": _("Kies het gezinslid."),
        },
    )
    requester_name = forms.CharField(
        label=_("Naam van de aanvrager"),
        max_length=150,
        error_messages={"required": _("Vul de naam van de aanvrager in.")},
    )
    requester_relation = forms.ChoiceField(
        label=_("De aanvrager is"),
        choices=RequesterRelation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wie het verzoek doet.")},
    )
    identity_checked_by = forms.CharField(
        label=_("Identiteit nagekeken door"),
        max_length=150,
        help_text=_("Naam en dienst van wie de identiteit controleerde."),
        error_messages={"required": _("Vul in wie de identiteit naging.")},
    )
    identity_check = forms.ChoiceField(
        label=_("Manier van nakijken"),
        choices=[("", _("Kies een manier")), *IdentityCheck.choices],
        error_messages={"required": _("Kies hoe de identiteit is nagekeken.")},
    )
    identity_note = forms.CharField(
        label=_("Toelichting bij het nakijken"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Nodig bij 'Op een andere manier'. Geen kopie of nummer van het identiteitsbewijs."
        ),
    )
    received_on = forms.DateField(
        label=_("Ontvangen op"),
        widget=_date_input(),
        error_messages={
            "required": _("Vul de datum van ontvangst in."),
            "invalid": _("Vul een geldige datum in."),
        },
    )

    def __init__(
        self, *args: Any, members: list[FamilyMember] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        if members is None:
            del self.fields["member"]
        else:
            self.fields["member"].choices = [
                (m.pk, f"{m.name} ({m.get_family_role_display().lower()})") for m in members
            ]

    def clean_received_on(self) -> dt.date:
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Deze datum ligt in de toekomst."))
        return value


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Beslissing"),
        choices=[
            (HeldDecision.RELEASE, HeldDecision.RELEASE.label),
            (HeldDecision.WITHHOLD, HeldDecision.WITHHOLD.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies of u dit gegeven vrijgeeft of niet.")},
    )
    reason = forms.CharField(
        label=_("Reden"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Verplicht als u het gegeven niet vrijgeeft, bijvoorbeeld een lopend onderzoek."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == HeldDecision.WITHHOLD and not data.get("reason", "").strip():
            self.add_error("reason", _("Schrijf waarom dit gegeven niet wordt vrijgegeven."))
        return data


class ReleaseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Ik heb de samenstelling en de beslissingen nagekeken; de export bevat alleen "
            "gegevens over deze persoon."
        ),
        error_messages={"required": _("Vink aan dat u de export hebt nagekeken.")},
    )


class RectificationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort verzoek"),
        choices=RectificationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies het soort verzoek.")},
    )
    target = forms.ChoiceField(label=_("Over welk gegeven?"), required=False, choices=())
    request_text = forms.CharField(
        label=_("Wat de persoon vraagt"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Schrijf op wat de persoon vraagt.")},
    )
    received_on = forms.DateField(
        label=_("Ontvangen op"),
        widget=_date_input(),
        error_messages={
            "required": _("Vul de datum van ontvangst in."),
            "invalid": _("Vul een geldige datum in."),
        },
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, prefix="rechtzetting", **kwargs)
        self.fields["target"].choices = [("", _("Het dossier in het algemeen")), *targets]
        self.fields["received_on"].initial = timezone.localdate()


class HandleRectificationForm(forms.Form):
    OUTCOMES = [
        ("corrected", _("Rechtgezet: koppelen aan de correctie in het dossier")),
        ("annotated", _("Aantekening toevoegen")),
        ("restricted", _("Verwerking beperken")),
        ("refused", _("Weigeren")),
    ]
    outcome = forms.ChoiceField(
        label=_("Afhandeling"),
        choices=OUTCOMES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies hoe het verzoek wordt afgehandeld.")},
    )
    text = forms.CharField(
        label=_("Aantekening of reden"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RestrictionForm(forms.Form):
    target = forms.ChoiceField(label=_("Wat wordt beperkt?"), required=False, choices=())
    reason = forms.CharField(
        label=_("Reden van de beperking"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Schrijf waarom de verwerking beperkt wordt.")},
    )

    def __init__(self, *args: Any, entries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, prefix="beperking", **kwargs)
        self.fields["target"].choices = [("", _("Het hele dossier")), *entries]


class LiftForm(forms.Form):
    lift_reason = forms.CharField(
        label=_("Reden van de opheffing"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Schrijf waarom de beperking wordt opgeheven.")},
    )
