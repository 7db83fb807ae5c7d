"""The legal deadline of a subject-access request: one month from receipt (GDPR art. 12(3)).

A period in months ends on the same day of the month as the day it started from, or on the
last day of the month when that month is shorter (Regulation (EEC, Euratom) No 1182/71,
art. 3(2)(c)): received on 31 January, due on 28 February (29 in a leap year). Days are the
calendar days of Europe/Brussels (``timezone.localdate``), never UTC's.
"""

from __future__ import annotations

import calendar
import datetime as dt


def one_month_after(day: dt.date) -> dt.date:
    """The same day one calendar month later, or the last day of that month."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))
