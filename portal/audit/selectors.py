"""Reading the audit trail: filtered, keyset-paginated (no COUNT over a million rows).

Filters are exact matches on indexed columns (e-mail addresses are stored lower-case, case
references upper-case), so each page is an index range scan whatever the size of the trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent

PAGE_SIZE = 50


def filtered_events(filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor").order_by("-id")
    if filters.get("user"):
        events = events.filter(actor_label=filters["user"].strip().lower())
    if filters.get("organisation"):
        events = events.filter(organisation=filters["organisation"].strip())
    if filters.get("case"):
        events = events.filter(case_reference=filters["case"].strip().upper())
    if filters.get("action") is not None:
        events = events.filter(action=filters["action"])
    if filters.get("outcome"):
        events = events.filter(outcome=filters["outcome"])
    tz = timezone.get_current_timezone()
    # A period becomes an id range (ids and times share one order: the writer stamps the time
    # under the chain lock), so every filter pages along the primary key, newest first.
    if filters.get("date_from"):
        start = dt.datetime.combine(filters["date_from"], dt.time.min, tzinfo=tz)
        first_id = (
            AuditEvent.objects.filter(occurred_at__gte=start)
            .order_by("occurred_at")
            .values_list("id", flat=True)
            .first()
        )
        events = events.filter(id__gte=first_id) if first_id is not None else events.none()
    if filters.get("date_to"):
        end = dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        last_id = (
            AuditEvent.objects.filter(occurred_at__lt=end)
            .order_by("-occurred_at")
            .values_list("id", flat=True)
            .first()
        )
        events = events.filter(id__lte=last_id) if last_id is not None else events.none()
    return events


def page_of_events(
    filters: dict[str, Any], *, before: int | None
) -> tuple[list[AuditEvent], int | None]:
    """One page, newest first, and the id to continue from (None on the last page)."""
    events = filtered_events(filters)
    if before is not None:
        events = events.filter(id__lt=before)
    rows = list(events[: PAGE_SIZE + 1])
    next_before = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], next_before
