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
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from portal.audit.events import AuditAction

from ..access import can_direct
from ..live_notes import document
from ..live_notes.models import AgendaItem, Attendance, AttendanceStatus, Minutes
from ..live_notes.relay import broadcast_read_only
from ..models import EntryKind, Meeting, MeetingStatus, Membership
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


def _dutch_date(value: datetime.date | datetime.datetime, *, with_time: bool = False) -> str:
    """'2 december 2026' (and ', 14:30'), in the portal's language and time zone."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    with override(settings.LANGUAGE_CODE):
        return date_format(value, "j F Y, H:i" if with_time else "j F Y")


@dataclass(frozen=True)
class MinutesContent:
    """What the minutes PDF shows, in order; ``notes`` are the live notes' lines (escaped
    inline markup and their line formats, ``document.lines``)."""

    title: str
    date: str
    place: str
    reference: str
    # (organisation or "Gezin", [names or family roles]) of those present
    attendees: list[tuple[str, list[str]]]
    # (status label, ["name (organisation)"]): apologies, then absent without notice
    not_present: list[tuple[str, list[str]]]
    agenda: list[str]
    notes: list[tuple[str, dict[str, Any]]]
    # (description, organisation, responsible, due date)
    actions: list[tuple[str, str, str, str]]
    finalised: str
    html_sha256: str


def _organisation_names(case: Any, attendance: list[Attendance]) -> dict[int, str]:
    """The organisation each attending professional is there for: the one their attendance
    records (their participation in the case), else their active membership in the case's
    region (the case director), else any active membership."""
    missing = {a.user_id for a in attendance if a.user_id and a.organisation_id is None}
    found: dict[int, str] = {}
    rows = Membership.objects.filter(
        user_id__in=missing, is_active=True, organisation__is_active=True
    ).values_list("user_id", "organisation__name", "organisation__region")
    # the case's region first, then by name: the first membership per person counts
    in_region = sorted(rows, key=lambda row: (row[0], row[2] != case.region, row[1]))
    for user_id, name, _region in in_region:
        found.setdefault(user_id, str(name))
    return found


def minutes_content(
    *,
    meeting: Meeting,
    agenda: list[AgendaItem],
    attendance: list[Attendance],
    state: bytes,
    actions: list[Any],
    finalised_at: datetime.datetime,
    finalised_by: Any,
    html_sha256: str,
) -> MinutesContent:
    """The minutes' content from the meeting's tables: professionals grouped by the
    organisation they attended for, family members under "Gezin" by their role only."""
    case = meeting.case
    memberships = _organisation_names(case, attendance)
    family = _("Gezin")
    without = _("Zonder organisatie")

    def organisation_of(row: Attendance) -> str:
        if row.family_member_id is not None:
            return family
        if row.organisation is not None:
            return str(row.organisation.name)
        return memberships.get(row.user_id or 0, without)

    present: dict[str, list[str]] = {}
    for row in attendance:
        if row.status == AttendanceStatus.PRESENT:
            present.setdefault(organisation_of(row), []).append(_attendee_name(row))
    # Organisations alphabetically, the family last; people alphabetically within each.
    attendees = sorted(
        ((org, sorted(names)) for org, names in present.items()),
        key=lambda item: (item[0] == family, item[0].lower()),
    )
    not_present: list[tuple[str, list[str]]] = []
    for status in (AttendanceStatus.APOLOGIES, AttendanceStatus.ABSENT):
        people = sorted(
            f"{_attendee_name(row)} ({organisation_of(row)})"
            for row in attendance
            if row.status == status
        )
        if people:
            not_present.append((str(status.label), people))
    return MinutesContent(
        title=_("Verslag %(kind)s") % {"kind": meeting.get_kind_display().lower()},
        date=_dutch_date(meeting.starts_at, with_time=True),
        place=meeting.place,
        reference=case.reference,
        attendees=attendees,
        not_present=not_present,
        agenda=[item.title for item in agenda],
        notes=document.lines(state),
        actions=[
            (
                a.description,
                a.organisation.name,
                a.responsible.full_name if a.responsible else "–",
                _dutch_date(a.due_date) if a.due_date else "–",
            )
            for a in actions
        ],
        finalised=_("Afgerond op %(when)s door %(who)s.")
        % {"when": _dutch_date(finalised_at, with_time=True), "who": finalised_by.full_name},
        html_sha256=html_sha256,
    )


def _numbered_canvas(marking: str, reference: str) -> type[Any]:
    """A canvas that holds its pages until the end, then marks each one ("Vertrouwelijk" and
    the case above, "Pagina X van Y" below): reportlab's two-pass page-count recipe."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for page in self._pages:
                self.__dict__.update(page)
                self._mark(total)
                super().showPage()
            super().save()

        def _mark(self, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            self.setFont("Helvetica-Bold", 9)
            self.setFillColorRGB(0.6, 0, 0)
            self.drawString(18 * mm, height - 11 * mm, marking)
            self.setFillColorRGB(0.3, 0.3, 0.3)
            self.setFont("Helvetica", 8)
            self.drawRightString(width - 18 * mm, height - 11 * mm, reference)
            self.drawCentredString(
                width / 2,
                10 * mm,
                _("Pagina %(page)s van %(total)s") % {"page": self._pageNumber, "total": total},
            )
            self.restoreState()

    return NumberedCanvas


def _build(title: str, reference: str, story: list[Any]) -> bytes:
    """A4, reproducible (reportlab's invariant mode: no random id, no creation time)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Veilig Huis",
        invariant=1,
        lang="nl-BE",
    ).build(story, canvasmaker=_numbered_canvas(_("Vertrouwelijk"), reference))
    return buffer.getvalue()


def minutes_pdf(*, title: str, lines: list[str]) -> bytes:
    """A plain PDF of a title and lines (the redacted minutes' placeholder), marked
    confidential and numbered like the minutes."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, Spacer

    styles = getSampleStyleSheet()
    story: list[Any] = [Paragraph(escape(title), styles["Title"]), Spacer(1, 12)]
    for line in lines:
        story.append(Paragraph(escape(line) or "&nbsp;", styles["BodyText"]))
    return _build(title, "", story)


def minutes_document_pdf(content: MinutesContent) -> bytes:
    """The minutes as an A4 PDF: title and date, attendees by organisation, apologies, agenda,
    notes (their headings and lists kept), agreed actions and the technical details."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        ListFlowable,
        ListItem,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    cell = ParagraphStyle("cell", parent=styles["Normal"], fontSize=9, leading=11.5)
    head = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold")
    small = ParagraphStyle("small", parent=cell, fontSize=7.5, leading=9.5)
    organisation = ParagraphStyle(
        "organisation", parent=styles["Heading4"], fontName="Helvetica-Bold", spaceBefore=4
    )
    width = 210 * mm - 36 * mm
    note_styles = {
        level: ParagraphStyle(f"note{level}", parent=styles[name], fontName="Helvetica-Bold")
        for level, name in ((1, "Heading3"), (2, "Heading4"), (3, "Heading5"))
    }

    def text(value: str, style: Any = body) -> Any:
        return Paragraph(escape(value), style)

    def section(title: str) -> Any:
        return Paragraph(escape(title), styles["Heading2"])

    def bullets(items: list[Any], kind: str = "bullet") -> Any:
        return ListFlowable(
            [ListItem(item, leftIndent=14) for item in items],
            bulletType="1" if kind == "ordered" else "bullet",
            # A reader expects "1." in minutes; ReportLab's default format is the bare number.
            bulletFormat="%s." if kind == "ordered" else None,
            start=None if kind == "ordered" else "•",
            leftIndent=14,
            bulletFontSize=10,
            bulletOffsetY=-1 if kind == "ordered" else -2,
        )

    story: list[Any] = [
        Paragraph(escape(content.title), styles["Title"]),
        Table(
            [
                [text(_("Datum"), head), text(content.date, cell)],
                [text(_("Plaats"), head), text(content.place, cell)],
                [text(_("Dossier"), head), text(content.reference, cell)],
            ],
            colWidths=[30 * mm, width - 30 * mm],
            hAlign="LEFT",
            style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
        ),
        section(_("Aanwezig")),
    ]
    if not content.attendees:
        story.append(text(_("Geen aanwezigen genoteerd.")))
    for name, people in content.attendees:
        story.append(
            KeepTogether(
                [
                    Paragraph(escape(name), organisation),
                    bullets([text(person) for person in people]),
                ]
            )
        )
    for label, people in content.not_present:
        story += [section(label), bullets([text(person) for person in people])]
    story.append(section(_("Agenda")))
    if content.agenda:
        story.append(bullets([text(item) for item in content.agenda], "ordered"))
    else:
        story.append(text(_("Geen agenda opgesteld.")))

    story.append(section(_("Notities")))
    pending: list[Any] = []
    pending_kind = ""

    def flush() -> None:
        nonlocal pending, pending_kind
        if pending:
            story.append(bullets(pending, pending_kind))
        pending, pending_kind = [], ""

    for markup, attrs in content.notes:
        kind = str(attrs["list"]) if attrs.get("list") in ("bullet", "ordered") else ""
        if kind != pending_kind:
            flush()
            pending_kind = kind
        if kind:
            pending.append(Paragraph(markup or "&nbsp;", body))
        elif attrs.get("header") in note_styles:
            story.append(Paragraph(markup, note_styles[attrs["header"]]))
        elif markup:
            story.append(Paragraph(markup, body))
    flush()
    if not content.notes:
        story.append(text(_("Geen notities.")))

    story.append(section(_("Afgesproken acties")))
    if content.actions:
        grid = TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
        columns = [_("Actie"), _("Organisatie"), _("Verantwoordelijke"), _("Tegen")]
        story.append(
            Table(
                [[text(c, head) for c in columns]]
                + [[text(value, cell) for value in row] for row in content.actions],
                colWidths=[width * 0.40, width * 0.24, width * 0.20, width * 0.16],
                repeatRows=1,
                style=grid,
            )
        )
    else:
        story.append(text(_("Geen acties afgesproken.")))
    story += [Spacer(1, 10), text(content.finalised)]
    story.append(
        KeepTogether(
            [
                Paragraph(escape(_("Technische gegevens")), organisation),
                text(
                    _("Vingerafdruk (SHA-256) van het verslag in HTML: %(hash)s")
                    % {"hash": content.html_sha256},
                    small,
                ),
                text(
                    _(
                        "De vingerafdruk van dit pdf-bestand zelf staat bij het overleg in het "
                        "portaal."
                    ),
                    small,
                ),
            ]
        )
    )
    return _build(content.title, content.reference, story)


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
        html_sha256 = hashlib.sha256(html.encode()).hexdigest()
        pdf = minutes_document_pdf(
            minutes_content(
                meeting=meeting,
                agenda=agenda,
                attendance=attendance,
                state=state,
                actions=created,
                finalised_at=finalised_at,
                finalised_by=actor,
                html_sha256=html_sha256,
            )
        )
        minutes = Minutes(
            meeting=meeting,
            html=html,
            html_sha256=html_sha256,
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
            legal_basis_id=meeting.legal_basis_id,
            pointer_only=True,
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
