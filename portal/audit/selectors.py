"""Reading the audit trail: scoped to the reader's regions, filtered, keyset-paginated (no COUNT
over a million rows).

Filters are exact matches on indexed columns (e-mail addresses are stored lower-case, case
references upper-case), so each page is an index range scan whatever the size of the trail.

A region's events are those about its cases, and those of people with a membership (active or
not, so a withdrawn member's history stays visible) of one of its organisations (failed sign-ins
in such a person's name included), unless such an event concerns another region's case. An officer of Oost-Vlaanderen thus never reads a Limburg
break-the-glass justification, and still sees their own people probing for references that do
not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .access import AuditScope
from .models import AuditEvent

PAGE_SIZE = 50


def scoped_events(scope: AuditScope) -> QuerySet[AuditEvent]:
    """Every event ``scope`` may read."""
    events = AuditEvent.objects.all()
    if scope.everything:
        return events
    from collaboration.models import Case, Membership

    regions = scope.regions
    own_cases = Case.objects.filter(region__in=regions).values("reference")
    other_cases = Case.objects.exclude(region__in=regions).values("reference")
    memberships = Membership.objects.filter(organisation__region__in=regions)
    # By one of the region's people, or (no account resolved: a failed sign-in) in their name.
    own_people = Q(Exists(memberships.filter(user_id=OuterRef("actor_id")))) | Q(
        Exists(memberships.filter(user__email__iexact=OuterRef("actor_label"))),
        actor__isnull=True,
    )
    return events.filter(
        Q(case_reference__in=own_cases) | (own_people & ~Q(case_reference__in=other_cases))
    )


def filtered_events(filters: dict[str, Any], scope: AuditScope) -> QuerySet[AuditEvent]:
    events = scoped_events(scope).select_related("actor").order_by("-id")
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
    filters: dict[str, Any], scope: AuditScope, *, before: int | None
) -> tuple[list[AuditEvent], int | None]:
    """One page, newest first, and the id to continue from (None on the last page)."""
    events = filtered_events(filters, scope)
    if before is not None:
        events = events.filter(id__lt=before)
    rows = list(events[: PAGE_SIZE + 1])
    next_before = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], next_before
