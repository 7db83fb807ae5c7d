"""Meeting forms on a case: record a meeting that was held, move one, cancel one (planning is
``cases.MeetingAddView``). Each view parses its form and calls one service of
``services.meetings``; errors stay on the field they concern."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from ..access import NotFoundOrNotAllowed
from ..forms import TEXTAREA, DateTimeInput, MeetingForm
from ..models import Meeting, MeetingStatus
from ..services import meetings as meeting_services
from .base import CaseFormView
from .cases import _case_people


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


class MeetingRecordView(CaseFormView):
    form_class = MeetingRecordForm
    title = _("Gehouden overleg vastleggen")
    intro = _(
        "Voor een overleg dat al plaatsvond, bijvoorbeeld gisteren. Daarna kunt u de notities "
        "aanvullen en het verslag afronden."
    )
    submit_label = _("Vastleggen")
    success_message = _("Het gehouden overleg is vastgelegd.")
    anchor = "overleg"

    def form_extra(self) -> dict[str, Any]:
        return {"people": _case_people(self.case)}

    def perform(self, form: Any) -> None:
        data = form.cleaned_data
        meeting_services.meeting_record(
            actor=self.request.user,
            case=self.case,
            kind=data["kind"],
            starts_at=data["starts_at"],
            place=data["place"],
            invitee_ids=[int(i) for i in data["invitees"]],
        )


class _OneMeetingView(CaseFormView):
    """A form about one meeting of the case; another case's meeting is not found."""

    statuses: tuple[str, ...] = ()

    @property
    def meeting(self) -> Meeting:
        if not hasattr(self, "_meeting"):
            meeting = Meeting.objects.filter(
                case=self.case, pk=self.kwargs["meeting_id"], status__in=self.statuses
            ).first()
            if meeting is None:
                raise NotFoundOrNotAllowed
            self._meeting = meeting
        return self._meeting

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        meeting = self.meeting
        when = formats.date_format(timezone.localtime(meeting.starts_at), "j F Y H:i")
        subject = f"{meeting.get_kind_display()} · {when} · {meeting.place}"
        return {**super().get_context_data(**kwargs), "subject": subject}


class MeetingRescheduleView(_OneMeetingView):
    form_class = MeetingRescheduleForm
    title = _("Overleg verplaatsen")
    intro = _("De genodigden krijgen een melding van het nieuwe tijdstip of de nieuwe plaats.")
    submit_label = _("Verplaatsen")
    success_message = _("Het overleg is verplaatst.")
    anchor = "overleg"
    statuses = (MeetingStatus.PLANNED, MeetingStatus.HELD)

    def get_initial(self) -> dict[str, Any]:
        meeting = self.meeting
        return {"starts_at": timezone.localtime(meeting.starts_at), "place": meeting.place}

    def perform(self, form: Any) -> None:
        meeting_services.meeting_reschedule(
            actor=self.request.user,
            case=self.case,
            meeting_id=self.meeting.pk,
            starts_at=form.cleaned_data["starts_at"],
            place=form.cleaned_data["place"],
        )


class MeetingCancelView(_OneMeetingView):
    form_class = MeetingCancelForm
    title = _("Overleg annuleren")
    submit_label = _("Overleg annuleren")
    success_message = _("Het overleg is geannuleerd en de genodigden zijn verwittigd.")
    danger = True
    anchor = "overleg"
    statuses = (MeetingStatus.PLANNED,)

    def perform(self, form: Any) -> None:
        meeting_services.meeting_cancel(
            actor=self.request.user,
            case=self.case,
            meeting_id=self.meeting.pk,
            reason=form.cleaned_data["reason"],
        )
