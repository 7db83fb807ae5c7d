"""Finalising a meeting: the notes become immutable, hashed minutes (HTML and PDF), the agreed
actions become plan-of-action actions (through ``plans.action_add``), and the minutes appear in
the case timeline. Live clients turn read-only after commit.

The case director or a coordinator of the region finalises; the view read the meeting through
``selectors.meetings.meeting_access`` (the one access record of the request), so the right is
checked here without a second one (``meetings.require_meeting_right``)."""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction

from ..access import can_direct
from ..live_notes import document
from ..live_notes.models import AgendaItem, Attendance, Minutes
from ..live_notes.relay import broadcast_read_only
from ..models import EntryKind, Meeting, MeetingStatus
from ._common import audit_change
from .meetings import require_meeting_right
from .plans import action_add
from .timeline import timeline_entry_add


@dataclass(frozen=True)
class AgreedAction:
    goal_id: int
    description: str
    organisation_id: int
    responsible: Any | None
    due_date: datetime.date | None


def _attendee_name(attendance: Attendance) -> str:
    """A person by name, a family member by their role in the family (the minutes name no
    family member)."""
    if attendance.user is not None:
        return str(attendance.user.full_name)
    if attendance.family_member is not None:
        return str(attendance.family_member.get_family_role_display())
    return ""


def minutes_pdf(*, title: str, lines: list[str]) -> bytes:
    """A plain, reproducible PDF of the minutes (reportlab's invariant mode: no random id)."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, invariant=1, lang="nl-BE")
    styles = getSampleStyleSheet()
    story: list[Any] = [Paragraph(escape(title), styles["Title"]), Spacer(1, 12)]
    for line in lines:
        story.append(Paragraph(escape(line) or "&nbsp;", styles["BodyText"]))
    doc.build(story)
    return buffer.getvalue()


def meeting_finalise(*, actor: Any, meeting_id: int, actions: list[AgreedAction]) -> Minutes:
    """Only the case director (or a coordinator) finalises; all or nothing."""
    _meeting, profile, basis = require_meeting_right(
        actor=actor, meeting_id=meeting_id, check=can_direct, what="meeting_finalise"
    )
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("case").get(pk=meeting_id)
        if meeting.status == MeetingStatus.FINALISED:
            raise ValidationError(_("Dit overleg is al afgerond."))
        if meeting.status == MeetingStatus.CANCELLED:
            raise ValidationError(_("Dit overleg is geannuleerd en krijgt geen verslag."))
        state = document.stored_update(meeting.pk)
        finalised_at = timezone.now()
        agenda = list(AgendaItem.objects.filter(meeting=meeting))
        attendance = list(
            Attendance.objects.filter(meeting=meeting).select_related(
                "user", "organisation", "family_member"
            )
        )
        created = [
            action_add(
                actor=actor,
                case=meeting.case,
                goal_id=item.goal_id,
                description=item.description,
                organisation_id=item.organisation_id,
                responsible=item.responsible,
                due_date=item.due_date,
            )
            for item in actions
        ]
        html = render_to_string(
            "live_notes/minutes_document.html",
            {
                "meeting": meeting,
                "case": meeting.case,
                "agenda": agenda,
                "attendance": attendance,
                "notes": document.to_html(state),
                "actions": created,
                "finalised_at": finalised_at,
                "finalised_by": actor,
            },
        )
        title = _("Verslag %(kind)s %(date)s, dossier %(reference)s") % {
            "kind": meeting.get_kind_display().lower(),
            "date": timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y"),
            "reference": meeting.case.reference,
        }
        lines = [
            _("Plaats: %s") % meeting.place,
            *[f"{_attendee_name(a)}: {a.get_status_display()}" for a in attendance],
            "",
            *document.plain_text(state).splitlines(),
            "",
            *[
                _("Actie: %(what)s (%(org)s, tegen %(due)s)")
                % {
                    "what": a.description,
                    "org": a.organisation.name,
                    "due": a.due_date.strftime("%d-%m-%Y") if a.due_date else "-",
                }
                for a in created
            ],
        ]
        pdf = minutes_pdf(title=title, lines=lines)
        minutes = Minutes(
            meeting=meeting,
            html=html,
            html_sha256=hashlib.sha256(html.encode()).hexdigest(),
            pdf=pdf,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            state=state,
            finalised_by=actor,
            finalised_at=finalised_at,
        )
        minutes.save()
        meeting.status = MeetingStatus.FINALISED
        meeting.save(update_fields=["status"])
        timeline_entry_add(
            actor=actor,
            case=meeting.case,
            kind=EntryKind.NETWORK_MEETING,
            # A meeting finalised before its planned day was held by then: dated at the latest
            # today, so the timeline's "no dates in the future" rule holds at any hour.
            occurred_on=min(
                timezone.localdate(meeting.starts_at), timezone.localdate(finalised_at)
            ),
            title=_("Verslag: %s") % meeting.get_kind_display(),
            # The fingerprints are for whoever checks a copy: the minutes' technical details
            # on the meeting page show them, the timeline that social workers read does not.
            body=_("Verslag afgerond; %(n)s afgesproken acties. Het verslag staat bij het overleg.")
            % {"n": len(created)},
        )
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=meeting.case,
            basis=basis,
            object_type="meeting",
            object_id=meeting.pk,
            extra={
                "change": "meeting_finalised",
                "pdf_sha256": minutes.pdf_sha256,
                "html_sha256": minutes.html_sha256,
                "actions": [a.pk for a in created],
            },
        )
        meeting_pk = meeting.pk
        transaction.on_commit(lambda: broadcast_read_only(meeting_pk))
    return minutes
