"""The certificate as a one-page PDF (reportlab), with a QR code to the public verification page."""

from __future__ import annotations

from io import BytesIO

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from .models import Certificate

BRAND = HexColor("#4b2a7b")
TEXT = HexColor("#1b1b1f")


def _hours(value: object) -> str:
    return formats.number_format(value, decimal_pos=1, use_l10n=True)


def _centred(
    pdf: canvas.Canvas, text: str, *, y: float, font: str, size: int, width: float
) -> None:
    """Centre a line, shrinking the font so that long names and titles stay on the page."""
    room = width - 60 * mm
    while size > 9 and stringWidth(text, font, size) > room:
        size -= 1
    pdf.setFont(font, size)
    pdf.drawCentredString(width / 2, y, text)


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    buffer = BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), lang="nl-BE")
    pdf.setTitle(_("Attest %(code)s") % {"code": certificate.code})
    pdf.setAuthor("Veilig Huis")
    pdf.setSubject(certificate.course_title)

    pdf.setStrokeColor(BRAND)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)

    pdf.setFillColor(BRAND)
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(25 * mm, height - 30 * mm, "Veilig Huis")
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 55 * mm, _("Attest van deelname"))

    pdf.setFillColor(TEXT)
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(width / 2, height - 75 * mm, _("Hierbij verklaart Veilig Huis dat"))
    _centred(
        pdf,
        certificate.learner_name,
        y=height - 90 * mm,
        font="Helvetica-Bold",
        size=22,
        width=width,
    )
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(width / 2, height - 105 * mm, _("met succes de vorming heeft gevolgd"))
    _centred(
        pdf,
        certificate.course_title,
        y=height - 118 * mm,
        font="Helvetica-Bold",
        size=18,
        width=width,
    )

    issued = timezone.localtime(certificate.issued_at)
    pdf.setFont("Helvetica", 12)
    lines = [
        _("Vormingsuren: %(hours)s") % {"hours": _hours(certificate.training_hours)},
        _("Datum: %(date)s") % {"date": formats.date_format(issued, "j F Y")},
    ]
    if certificate.expires_at:
        expires = timezone.localtime(certificate.expires_at)
        lines.append(_("Geldig tot: %(date)s") % {"date": formats.date_format(expires, "j F Y")})
    lines.append(_("Verificatiecode: %(code)s") % {"code": certificate.code})
    y = 65 * mm
    for line in lines:
        pdf.drawString(25 * mm, y, line)
        y -= 7 * mm
    pdf.setFont("Helvetica", 9)
    pdf.drawString(25 * mm, 22 * mm, _("Controleer dit attest op %(url)s") % {"url": verify_url})

    size = 42 * mm
    widget = QrCodeWidget(verify_url, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, width - 25 * mm - size, 25 * mm)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
