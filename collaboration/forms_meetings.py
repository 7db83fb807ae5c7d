"""The forms of a meeting: plan it, record one that was held, move or cancel it, prepare it, and
the agreed actions of its finalising. Each view (``views/meetings.py``) parses one and calls one
service of ``services.meetings`` or ``services.minutes``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import TEXTAREA, ActionForm, DateTimeInput
from .live_notes.models import AttendanceStatus
from .models import MeetingKind


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort overleg"), choices=MeetingKind.choices)
    starts_at = forms.DateTimeField(label=_("Datum en uur"), widget=DateTimeInput())
    place = forms.CharField(label=_("Plaats"), max_length=200)
    invitees = forms.MultipleChoiceField(
        label=_("Uitnodigen"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, people: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invitees"].choices = [(u.pk, u.full_name) for u in people]


class MeetingRecordForm(MeetingForm):
    """The planning form, with the people who were there instead of invitees."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = _("Wanneer het overleg begon.")
        self.fields["invitees"].label = _("Aanwezig")


class MeetingRescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Nieuwe datum en uur"), widget=DateTimeInput())
    place = forms.CharField(label=_("Plaats"), max_length=200)


class MeetingCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van annulering"),
        help_text=_("De genodigden krijgen een melding, zonder deze reden."),
        widget=TEXTAREA,
        max_length=1000,
    )


class PrepareForm(forms.Form):
    agenda = forms.CharField(
        label=_("Agenda"),
        help_text=_("Eén agendapunt per regel."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )
    started = forms.BooleanField(label=_("Het overleg is begonnen"), required=False)

    def __init__(self, *args: Any, people: Any = (), family: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Niet ingevuld")), *AttendanceStatus.choices]
        for person in people:
            self.fields[f"person_{person.pk}"] = forms.ChoiceField(
                label=person.full_name, choices=choices, required=False, widget=forms.RadioSelect
            )
        if family:
            self.fields["family"] = forms.MultipleChoiceField(
                label=_("Aanwezige gezinsleden"),
                choices=[(m.pk, m.get_family_role_display()) for m in family],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )


class AgreedActionForm(ActionForm):
    """``ActionForm`` with empty first choices, so untouched rows stay empty (and optional)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (("goal", _("Kies een doel")), ("organisation", _("Kies een dienst"))):
            self.fields[name].choices = [("", label), *self.fields[name].choices]
