"""The correction forms: the fields a person entered, the reason of the correction, and the
version the person started from (so two people correcting at once do not overwrite each
other unseen). Parse only; ``services.corrections`` validates and saves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import TEXTAREA, DateInput
from .models import CorrectedKind, EntryKind, FamilyRole, LifeDomain


class CorrectionForm(forms.Form):
    """Shared by every kind: why, and which version was corrected."""

    reason = forms.CharField(
        label=_("Reden van de correctie"),
        help_text=_(
            "Wie het item ziet, leest de eerdere versie, wie ze corrigeerde, wanneer en waarom."
        ),
        widget=TEXTAREA,
        max_length=2000,
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class FamilyMemberCorrectionForm(CorrectionForm):
    name = forms.CharField(label=_("Naam"), max_length=150)
    birth_year = forms.IntegerField(
        label=_("Geboortejaar"), required=False, min_value=1900, max_value=2100
    )
    family_role = forms.ChoiceField(label=_("Rol in het gezin"), choices=FamilyRole.choices)
    field_order = ["name", "birth_year", "family_role", "reason"]


class ParticipantCorrectionForm(CorrectionForm):
    role_in_case = forms.CharField(label=_("Rol in het dossier"), max_length=150)
    task_division = forms.CharField(
        label=_("Taakverdeling"), required=False, widget=TEXTAREA, max_length=2000
    )
    field_order = ["role_in_case", "task_division", "reason"]


class GoalCorrectionForm(CorrectionForm):
    domain = forms.ChoiceField(label=_("Levensdomein"), choices=LifeDomain.choices)
    description = forms.CharField(label=_("Doel"), widget=TEXTAREA, max_length=1000)
    field_order = ["domain", "description", "reason"]


class ActionCorrectionForm(CorrectionForm):
    description = forms.CharField(label=_("Actie"), widget=TEXTAREA, max_length=1000)
    responsible = forms.ChoiceField(label=_("Verantwoordelijke"), choices=(), required=False)
    due_date = forms.DateField(label=_("Tegen"), required=False, widget=DateInput())
    field_order = ["description", "responsible", "due_date", "reason"]

    def __init__(self, *args: Any, people: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [("", _("Nog niemand"))] + [
            (u.pk, u.full_name) for u in people
        ]


class TimelineEntryCorrectionForm(CorrectionForm):
    kind = forms.ChoiceField(
        label=_("Soort"), choices=[c for c in EntryKind.choices if c[0] != EntryKind.PHASE]
    )
    occurred_on = forms.DateField(label=_("Datum"), widget=DateInput())
    title = forms.CharField(label=_("Titel"), max_length=200)
    body = forms.CharField(
        label=_("Omschrijving"), required=False, widget=TEXTAREA, max_length=10000
    )
    field_order = ["kind", "occurred_on", "title", "body", "reason"]


class DocumentCorrectionForm(CorrectionForm):
    title = forms.CharField(label=_("Titel"), max_length=200)
    field_order = ["title", "reason"]


CORRECTION_FORMS: dict[str, type[CorrectionForm]] = {
    CorrectedKind.FAMILY_MEMBER: FamilyMemberCorrectionForm,
    CorrectedKind.PARTICIPANT: ParticipantCorrectionForm,
    CorrectedKind.GOAL: GoalCorrectionForm,
    CorrectedKind.ACTION: ActionCorrectionForm,
    CorrectedKind.TIMELINE_ENTRY: TimelineEntryCorrectionForm,
    CorrectedKind.DOCUMENT: DocumentCorrectionForm,
}
