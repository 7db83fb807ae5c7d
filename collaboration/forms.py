"""Forms only parse input; the services validate the rules and save. Labels in Dutch."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.security.once import OneTimeTokenField

from .models import (
    ActionStatus,
    EntryKind,
    FamilyKnows,
    FamilyRole,
    LifeDomain,
    Organisation,
    Phase,
    Role,
    Sector,
    Urgency,
    ViolenceForm,
    Visibility,
)


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError in the form's Dutch error summary."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


TEXTAREA = forms.Textarea(attrs={"rows": 4})


class CaseSearchForm(forms.Form):
    q = forms.CharField(label=_("Zoeken op dossiernummer of naam"), required=False, max_length=100)
    fase = forms.ChoiceField(
        label=_("Fase"), required=False, choices=[("", _("Alle fasen")), *Phase.choices]
    )
    mijn = forms.BooleanField(
        label=_("Alleen dossiers waarin ik zelf betrokken ben"), required=False
    )


class ReferralForm(forms.Form):
    once = OneTimeTokenField()
    organisation = forms.ModelChoiceField(
        label=_("Aanmeldende dienst"), queryset=Organisation.objects.none(), empty_label=None
    )
    family_composition = forms.CharField(
        label=_("Gezinssamenstelling"),
        help_text=_(
            "Beperk u tot wat nodig is: bijvoorbeeld 'moeder, vader, drie kinderen (4, 9, 17)'."
        ),
        widget=TEXTAREA,
        max_length=2000,
    )
    violence_forms = forms.MultipleChoiceField(
        label=_("Vormen van geweld"),
        choices=ViolenceForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    life_domains = forms.MultipleChoiceField(
        label=_("Betrokken levensdomeinen"),
        choices=LifeDomain.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    criterion_complexity = forms.CharField(
        label=_(
            "Voorwaarde 1: de situatie is erg complex en vraagt een afgestemde aanpak met politie en justitie"
        ),
        help_text=_("Licht toe."),
        widget=TEXTAREA,
        max_length=4000,
    )
    criterion_multiple_domains = forms.CharField(
        label=_("Voorwaarde 2: er zijn problemen op verschillende levensdomeinen"),
        help_text=_("Licht toe."),
        widget=TEXTAREA,
        max_length=4000,
    )
    criterion_stuck_help = forms.CharField(
        label=_("Voorwaarde 3: de hulpverlening loopt vast of is uitzichtloos"),
        help_text=_("Licht toe."),
        widget=TEXTAREA,
        max_length=4000,
    )
    services_involved = forms.CharField(
        label=_("Diensten die al betrokken zijn"), required=False, widget=TEXTAREA, max_length=2000
    )
    urgency = forms.ChoiceField(label=_("Dringendheid"), choices=Urgency.choices)
    # Not required: a professional may not know yet; the case then says "niet ingevuld".
    family_knows = forms.ChoiceField(
        label=_("Weet het gezin van de aanmelding?"),
        choices=FamilyKnows.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("De casusregisseur stemt het eerste gesprek met het gezin hierop af."),
    )
    family_informed_on = forms.DateField(
        label=_("Zo ja: wanneer werd het gezin geïnformeerd?"),
        required=False,
        widget=DateInput(),
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ReferralAcceptForm(forms.Form):
    case_director = forms.ModelChoiceField(
        label=_("Casusregisseur"), queryset=None, empty_label=_("Kies een casusregisseur")
    )

    def __init__(self, *args: Any, directors: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_director"].queryset = directors


class ReferralDeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), widget=TEXTAREA, max_length=2000)
    advice = forms.CharField(
        label=_("Advies aan de aanmelder"), required=False, widget=TEXTAREA, max_length=2000
    )


class PhaseChangeForm(forms.Form):
    to_phase = forms.ChoiceField(label=_("Naar fase"), choices=())
    reason = forms.CharField(
        label=_("Toelichting"), required=False, widget=TEXTAREA, max_length=2000
    )

    def __init__(self, *args: Any, choices: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_phase"].choices = choices


class ReopenForm(forms.Form):
    to_phase = forms.ChoiceField(
        label=_("Heropenen in"),
        choices=[
            (Phase.EXPLORATION, Phase.EXPLORATION.label),
            (Phase.EXECUTION, Phase.EXECUTION.label),
        ],
    )
    incident = forms.CharField(
        label=_("Nieuw incident of nieuwe bezorgdheid"), widget=TEXTAREA, max_length=2000
    )


class ParticipantForm(forms.Form):
    membership = forms.ChoiceField(label=_("Professional en dienst"), choices=())
    role_in_case = forms.CharField(label=_("Rol in het dossier"), max_length=150)
    task_division = forms.CharField(
        label=_("Taakverdeling"), required=False, widget=TEXTAREA, max_length=2000
    )

    def __init__(self, *args: Any, memberships: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [
            (f"{m.user_id}:{m.organisation_id}", f"{m.user.full_name} – {m.organisation.name}")
            for m in memberships
        ]


class FamilyMemberForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=150)
    birth_year = forms.IntegerField(
        label=_("Geboortejaar"), required=False, min_value=1900, max_value=2100
    )
    family_role = forms.ChoiceField(label=_("Rol in het gezin"), choices=FamilyRole.choices)


class AssessmentForm(forms.Form):
    strengths = forms.CharField(
        label=_("Krachten"), required=False, widget=TEXTAREA, max_length=4000
    )
    worries = forms.CharField(label=_("Zorgen"), required=False, widget=TEXTAREA, max_length=4000)
    concerns = forms.CharField(
        label=_("Bezorgdheden"), required=False, widget=TEXTAREA, max_length=4000
    )
    wishes = forms.CharField(label=_("Wensen"), required=False, widget=TEXTAREA, max_length=4000)


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Levensdomein"), choices=LifeDomain.choices)
    description = forms.CharField(label=_("Doel"), widget=TEXTAREA, max_length=1000)


class ActionForm(forms.Form):
    goal = forms.ChoiceField(label=_("Doel"), choices=())
    description = forms.CharField(label=_("Actie"), widget=TEXTAREA, max_length=1000)
    organisation = forms.ChoiceField(label=_("Dienst die de actie opneemt"), choices=())
    responsible = forms.ChoiceField(label=_("Verantwoordelijke"), choices=(), required=False)
    due_date = forms.DateField(label=_("Tegen"), required=False, widget=DateInput())

    def __init__(
        self, *args: Any, goals: Any = (), organisations: Any = (), people: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [(g.pk, g.description[:80]) for g in goals]
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
        self.fields["responsible"].choices = [("", _("Nog niemand"))] + [
            (u.pk, u.full_name) for u in people
        ]


class ActionStatusForm(forms.Form):
    # "carried over" is set by a new plan version, never by hand
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in ActionStatus.choices if c[0] != ActionStatus.CARRIED_OVER],
    )
    reason = forms.CharField(
        label=_("Reden"),
        required=False,
        help_text=_("Verplicht als de actie niet mogelijk is."),
        widget=TEXTAREA,
        max_length=1000,
    )


class PresentedForm(forms.Form):
    presented_on = forms.DateField(label=_("Voorgelegd in team regie op"), widget=DateInput())


class AudienceFields(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Wie mag dit zien?"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.ALL,
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectoren (bij beperkte zichtbaarheid)"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisations = forms.MultipleChoiceField(
        label=_("Diensten (bij beperkte zichtbaarheid)"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [(o.pk, o.name) for o in organisations]


class TimelineEntryForm(AudienceFields):
    kind = forms.ChoiceField(
        label=_("Soort"), choices=[c for c in EntryKind.choices if c[0] != EntryKind.PHASE]
    )
    occurred_on = forms.DateField(label=_("Datum"), widget=DateInput())
    title = forms.CharField(label=_("Titel"), max_length=200)
    body = forms.CharField(
        label=_("Omschrijving"), required=False, widget=TEXTAREA, max_length=10000
    )

    field_order = ["kind", "occurred_on", "title", "body", "visibility", "sectors", "organisations"]


class DocumentForm(AudienceFields):
    title = forms.CharField(label=_("Titel"), max_length=200)
    file = forms.FileField(
        label=_("Bestand"), help_text=_("pdf, docx, odt, txt, png of jpg; ten hoogste 10 MB.")
    )

    field_order = ["title", "file", "visibility", "sectors", "organisations"]


class NarrowAudienceForm(forms.Form):
    """Narrowing who sees a timeline entry: only sectors and services that see it now."""

    sectors = forms.MultipleChoiceField(
        label=_("Sectoren die het item blijven zien"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisations = forms.MultipleChoiceField(
        label=_("Diensten die het item blijven zien"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, sectors: Any = (), organisations: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sectors"].choices = list(sectors)
        self.fields["organisations"].choices = [(o.pk, o.name) for o in organisations]


class RetractForm(forms.Form):
    """Retracting a timeline entry or a document: those who saw it read the reason."""

    reason = forms.CharField(
        label=_("Reden van de intrekking"),
        help_text=_(
            "Wie het item zag, leest wie het introk, wanneer en waarom; de inhoud zelf toont het "
            "portaal niet meer. Schrijf hier dus geen gegevens over het gezin."
        ),
        widget=TEXTAREA,
        max_length=2000,
    )


class RemovalForm(forms.Form):
    """Removing a professional or a family member from the case: case members read the reason."""

    reason = forms.CharField(
        label=_("Reden van de verwijdering"),
        help_text=_(
            "Wie in het dossier werkt, leest wie de persoon verwijderde, wanneer en waarom. "
            "Schrijf hier alleen wat daarvoor nodig is."
        ),
        widget=TEXTAREA,
        max_length=2000,
    )


class ConsultAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Antwoord of advies"),
        help_text=_(
            "De professional krijgt een e-mail zonder inhoud, met een persoonlijke link naar dit "
            "antwoord (30 dagen geldig)."
        ),
        widget=TEXTAREA,
        max_length=10000,
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mailadres"))
    organisation = forms.ModelChoiceField(
        label=_("Dienst"), queryset=Organisation.objects.none(), empty_label=_("Kies een dienst")
    )
    role = forms.ChoiceField(label=_("Rol"), choices=Role.choices)

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class BreakGlassForm(forms.Form):
    reference = forms.CharField(label=_("Dossiernummer"), max_length=20)
    justification = forms.CharField(
        label=_("Verantwoording"),
        help_text=_(
            "Waarom is toegang tot de inhoud nu nodig? De casusregisseur wordt verwittigd."
        ),
        widget=TEXTAREA,
        max_length=2000,
    )
