"""The export itself: one structure with Dutch labels, written as JSON and as a readable PDF.

Both formats come from the same structure, so what the person reads in the PDF is exactly what
the JSON holds. A draft (before release) says so on every page.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import override

from ..models import SubjectAccessRequest
from .assembly import label, shown, text


def rights_text() -> list[str]:
    return [
        _(
            "U kunt vragen om onjuiste gegevens recht te zetten of een eigen verklaring toe te "
            "voegen, en u kunt bezwaar maken tegen de verwerking of vragen ze te beperken "
            "(art. 16, 18 en 21 AVG). Richt u daarvoor tot de privacyverantwoordelijke van "
            "Veilig Huis."
        ),
        _(
            "Gegevens die politie of justitie verwerken, kunnen geheel of gedeeltelijk niet "
            "worden meegedeeld wanneer de wet dat toelaat, bijvoorbeeld om een onderzoek niet "
            "te schaden (art. 15 van richtlijn (EU) 2016/680). U kunt dan terecht bij het "
            "Controleorgaan op de politionele informatie."
        ),
        _(
            "Bent u het niet eens met hoe Veilig Huis uw verzoek behandelde, dan kunt u een "
            "klacht indienen bij de Vlaamse Toezichtcommissie voor de verwerking van "
            "persoonsgegevens."
        ),
    ]


def subject_name(request: SubjectAccessRequest) -> str:
    if request.family_member_id:
        return request.family_member.name
    return request.subject_user.full_name


def build_export(
    request: SubjectAccessRequest, sections: list[dict[str, Any]], *, draft: bool
) -> dict[str, Any]:
    """The whole export as a JSON-ready structure, labels in Dutch."""
    with override("nl-be"):
        header = {
            _("Nummer van het verzoek"): str(request.pk),
            _("Verantwoordelijke"): _("Veilig Huis %(region)s")
            % {"region": request.get_region_display()},
            _("Over"): subject_name(request),
            label(SubjectAccessRequest, "requester_name"): request.requester_name,
            label(SubjectAccessRequest, "requester_relation"): shown(request, "requester_relation"),
            label(SubjectAccessRequest, "received_on"): shown(request, "received_on"),
            label(SubjectAccessRequest, "deadline"): shown(request, "deadline"),
            label(SubjectAccessRequest, "assembled_at"): shown(request, "assembled_at"),
        }
        if not draft:
            header[label(SubjectAccessRequest, "released_at")] = text(request.released_at)
        return {
            "titel": _("Inzage in persoonsgegevens (art. 15 AVG)"),
            "status": _("Concept, nog niet vrijgegeven") if draft else _("Vrijgegeven"),
            "verzoek": header,
            "onderdelen": sections,
            "uw rechten": rights_text(),
        }


def column_widths(
    columns: list[str], items: list[dict[str, str]], width: float, cell: Any, head: Any
) -> list[float]:
    """Widths for a table's columns: each at least as wide as its longest word (so
    "Privacyverantwoordelijke" is never broken mid-word), the rest of the page shared out in
    proportion to how much text a column holds. Too many long words for the page: shrink all
    in proportion (a word may then break, the table still fits)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    padding = 8 + 2  # LEFTPADDING + RIGHTPADDING, and a little room for rounding

    def longest(value: str, style: Any) -> float:
        words = str(value).split() or [""]
        return max(stringWidth(word, style.fontName, style.fontSize) for word in words)

    minimum = [
        max([longest(c, head)] + [longest(item.get(c, "–"), cell) for item in items]) + padding
        for c in columns
    ]
    if sum(minimum) >= width:
        return [w * width / sum(minimum) for w in minimum]
    text = [sum(len(str(item.get(c, ""))) for item in items) + len(c) for c in columns]
    spare = width - sum(minimum)
    total = sum(text) or 1
    return [w + spare * t / total for w, t in zip(minimum, text, strict=True)]


def render_pdf(export: dict[str, Any], *, draft: bool) -> bytes:
    """A readable A4 PDF of ``export``: headings per part, tables, page numbers, marked
    confidential (and draft before release) on every page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    with override("nl-be"):
        styles = getSampleStyleSheet()
        cell = ParagraphStyle("cell", parent=styles["Normal"], fontSize=8.5, leading=11)
        head = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold")
        width = A4[0] - 36 * mm
        grid = TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )

        def p(value: Any, style: Any = cell) -> Any:
            return Paragraph(escape(str(value)).replace("\n", "<br/>"), style)

        def pairs(item: dict[str, str]) -> Any:
            table = Table(
                [[p(k, head), p(v)] for k, v in item.items()],
                colWidths=[width * 0.3, width * 0.7],
            )
            table.setStyle(grid)
            return table

        story: list[Any] = [Paragraph(escape(export["titel"]), styles["Title"])]
        if draft:
            story.append(Paragraph(escape(export["status"]), styles["Heading3"]))
        story += [pairs(export["verzoek"]), Spacer(1, 10)]
        for section in export["onderdelen"]:
            story.append(Paragraph(escape(section["titel"]), styles["Heading2"]))
            if section.get("toelichting"):
                story.append(Paragraph(escape(section["toelichting"]), styles["Normal"]))
                story.append(Spacer(1, 4))
            items = section["items"]
            if not items:
                story.append(Paragraph(escape(_("Geen gegevens.")), styles["Normal"]))
            elif section.get("tabel"):
                columns = list(items[0])
                table = Table(
                    [[p(c, head) for c in columns]]
                    + [[p(item.get(c, "–")) for c in columns] for item in items],
                    colWidths=column_widths(columns, items, width, cell, head),
                    repeatRows=1,
                )
                table.setStyle(grid)
                story.append(table)
            else:
                for item in items:
                    story += [pairs(item), Spacer(1, 6)]
            story.append(Spacer(1, 8))
        story.append(Paragraph(escape(_("Uw rechten")), styles["Heading2"]))
        for paragraph in export["uw rechten"]:
            story += [Paragraph(escape(paragraph), styles["Normal"]), Spacer(1, 4)]

        marking = _("Vertrouwelijk")
        if draft:
            marking = f"{marking} – {_('concept, nog niet vrijgegeven')}"
        number = export["verzoek"].get(_("Nummer van het verzoek"), "")
        footer = _("%(marking)s – inzageverzoek %(number)s – pagina %%(page)s") % {
            "marking": marking,
            "number": number,
        }

        def on_page(canvas: Any, doc: Any) -> None:
            canvas.saveState()
            canvas.setFont("Helvetica", 8)
            canvas.drawString(18 * mm, 10 * mm, footer % {"page": doc.page})
            canvas.restoreState()

        buffer = io.BytesIO()
        SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=export["titel"],
            author="Veilig Huis",
            lang="nl-BE",
        ).build(story, onFirstPage=on_page, onLaterPages=on_page)
        return buffer.getvalue()
