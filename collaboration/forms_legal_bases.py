"""Forms of the register of legal bases: one per kind of basis (only the fields that kind
asks), withdrawing or ending one, and a coordinator's review of an urgent necessity. Plus the
field every sharing form carries (``add_basis_field``). Parse only; ``services.legal_bases``
validates and saves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import TEXTAREA, DateInput
from .models import (
    BasisKind,
    ConsentRecord,
    ConsultationFramework,
    FamilyInformed,
    UrgentReview,
)

BASIS_HELP = _(
    "Op welke grondslag deelt u dit met de andere diensten? Staat de juiste er niet bij, dan "
    "registreert de casusregisseur ze eerst in het register van grondslagen."
)


def add_basis_field(form: forms.Form, choices: list[tuple[int, str]]) -> None:
    """The choice of basis a sharing form asks (only bases that may still carry sharing);
    the service checks it covers every service the act reaches."""
    form.fields["legal_basis"] = forms.TypedChoiceField(
        label=_("Grondslag voor het delen"),
        choices=[("", _("Kies een grondslag")), *choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=BASIS_HELP,
    )


class BasisForm(forms.Form):
    """What every kind asks: which services, what for, since when, whether the family knows."""

    kind: str = ""
    organisations = forms.MultipleChoiceField(
        label=_("Diensten die op deze grondslag informatie mogen ontvangen"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(label=_("Doel en reikwijdte"), widget=TEXTAREA, max_length=2000)
    given_on = forms.DateField(label=_("Gegeven op"), widget=DateInput())
    family_informed = forms.ChoiceField(
        label=_("Is het gezin hiervan op de hoogte gebracht?"),
        choices=[("", _("Nog niet ingevuld")), *FamilyInformed.choices],
        required=False,
    )
    family_informed_on = forms.DateField(
        label=_("Geïnformeerd op"), required=False, widget=DateInput()
    )
    family_informed_note = forms.CharField(
        label=_("Toelichting (bij 'nee': waarom niet)"),
        required=False,
        widget=TEXTAREA,
        max_length=1000,
    )

    def __init__(self, *args: Any, organisations: Any = (), family: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [(o.pk, o.name) for o in organisations]
        if "consent_of" in self.fields:
            people = [(m.pk, m.name) for m in family]
            self.fields["consent_of"].choices = [("", _("Kies een gezinslid")), *people]


class ConsentForm(BasisForm):
    kind = BasisKind.CONSENT
    consent_of = forms.TypedChoiceField(
        label=_("Toestemming van"), choices=(), coerce=int, empty_value=None
    )
    consent_recorded = forms.ChoiceField(
        label=_("Hoe werd de toestemming vastgelegd?"), choices=ConsentRecord.choices
    )
    field_order = [
        "consent_of",
        "purpose",
        "organisations",
        "given_on",
        "consent_recorded",
        "family_informed",
        "family_informed_on",
        "family_informed_note",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].label = _("Waarvoor geldt de toestemming?")


class ConsultationForm(BasisForm):
    kind = BasisKind.CONSULTATION
    framework = forms.ChoiceField(
        label=_("Kader van het casusoverleg"), choices=ConsultationFramework.choices
    )
    framework_reference = forms.CharField(
        label=_("Welke wet, welk decreet of welke machtiging"), max_length=300
    )
    field_order = [
        "framework",
        "framework_reference",
        "purpose",
        "organisations",
        "given_on",
        "family_informed",
        "family_informed_on",
        "family_informed_note",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].label = _("Doel van het casusoverleg")
        self.fields["organisations"].label = _(
            "Deelnemende diensten (gebonden door het beroepsgeheim)"
        )
        self.fields["given_on"].label = _("Georganiseerd of toegestaan op")
        self.fields["family_informed"].required = True
        self.fields["family_informed"].label = _("Is het gezin van het casusoverleg op de hoogte?")


class UrgentForm(BasisForm):
    kind = BasisKind.URGENT
    field_order = ["purpose", "organisations", "given_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].label = _("Verantwoording: welk ernstig en dreigend gevaar?")
        self.fields["given_on"].label = _("Datum van de noodtoestand")
        for name in ("family_informed", "family_informed_on", "family_informed_note"):
            del self.fields[name]


BASIS_FORMS: dict[str, type[BasisForm]] = {
    BasisKind.CONSENT: ConsentForm,
    BasisKind.CONSULTATION: ConsultationForm,
    BasisKind.URGENT: UrgentForm,
}


class EndBasisForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        help_text=_(
            "Wie in het dossier werkt, leest wanneer en waarom. Vanaf nu wordt er niets meer "
            "op deze grondslag gedeeld; wat al gedeeld werd, blijft ermee vermeld."
        ),
        widget=TEXTAREA,
        max_length=2000,
    )


class UrgentReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Uw beoordeling"), choices=UrgentReview.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Toelichting (verplicht als u niet bevestigt)"),
        required=False,
        widget=TEXTAREA,
        max_length=2000,
    )
