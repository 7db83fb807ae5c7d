"""The one CSV writer of the portal: every export (audit trail, training report, any later one)
goes through here, so no cell can reach a spreadsheet as a formula.

Audit rows and reports carry text that outsiders typed (a sign-in name, a course title, a
person's name). A cell such as ``=HYPERLINK("http://…")`` would be run by Excel or LibreOffice
when a privacy officer opens the file. Following OWASP's advice on CSV injection, every text
cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (also after leading
spaces or line breaks) gets a single quote in front; numbers stay numbers. The module is the only
one allowed to use :mod:`csv` for writing (``tests/portal/test_csv_exports.py`` checks the code).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPE = "text/csv; charset=utf-8"


def neutralise(value: Any) -> Any:
    """A cell as it may be written: numbers as they are, text never as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value  # a number is never a formula, negative ones included
    text = value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)
    if text[:1] in FORMULA_STARTS or text.lstrip(" \n\r\t")[:1] in FORMULA_STARTS:
        return "'" + text
    return text


class _Echo:
    """A file-like object that hands each written line back, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, delimiter: str = ","
) -> Iterator[str]:
    """The header and rows as CSV text, line by line, with a BOM so spreadsheets read UTF-8."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
    yield "\ufeff" + writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def csv_response(
    *,
    filename: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    delimiter: str = ",",
    streaming: bool = False,
) -> HttpResponse | StreamingHttpResponse:
    """A download: an attachment, never cached, never sniffed into something else."""
    lines = csv_lines(header, rows, delimiter=delimiter)
    response: HttpResponse | StreamingHttpResponse
    if streaming:
        response = StreamingHttpResponse(lines, content_type=CONTENT_TYPE)
    else:
        response = HttpResponse("".join(lines), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
