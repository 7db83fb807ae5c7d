"""Reading the audit trail: scoped to the reader's regions, filtered, keyset-paginated (no COUNT
over a million rows).

Filters are exact matches on indexed columns (e-mail addresses are stored lower-case, case
references upper-case), so each page is an index range scan whatever the size of the trail.

A region's events are those about its cases, and those of people with a membership (active or
not, so a withdrawn member's history stays visible) of one of its organisations (failed sign-ins
in such a person's name included), unless such an event concerns another region's case. An officer of Oost-Vlaanderen thus never reads a Limburg
break-the-glass justification, and still sees their own people probing for references that do
not exist.

A page shows repeated reads as one row: the same person reading the same thing the same way
(action, object, outcome, grond, purpose) within one minute is one ``EventGroup`` with a count.
Grouping happens per page of raw events, so keyset paging stays exact; a run that straddles a
page boundary shows as one row on each page. Changes are never grouped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.organisations.models import Membership

from .access import AuditScope
from .events import AuditAction
from .models import AuditEvent
from .scope_registry import scope_rules

PAGE_SIZE = 50
EXPORT_CHUNK = 2000
GROUP_WINDOW = dt.timedelta(minutes=1)
# Reads (2xx) are grouped; a change, a sign-in or a denial of a change always stands alone.
GROUPED_ACTIONS = frozenset(int(a) for a in AuditAction if 200 <= int(a) < 300)


@dataclass
class EventGroup:
    """One event, or a run of the same read; ``events`` newest first."""

    events: list[AuditEvent] = field(default_factory=list)

    @property
    def event(self) -> AuditEvent:
        return self.events[0]

    @property
    def count(self) -> int:
        return len(self.events)

    @property
    def last_at(self) -> dt.datetime:
        return self.events[0].occurred_at

    @property
    def first_at(self) -> dt.datetime:
        return self.events[-1].occurred_at


def _read_key(event: AuditEvent) -> tuple[Any, ...] | None:
    if event.action not in GROUPED_ACTIONS:
        return None
    return (
        event.actor_id,
        event.actor_label,
        event.action,
        event.outcome,
        event.object_type,
        event.object_id,
        event.case_reference,
        event.role,
        event.purpose,
    )


def group_repeated_reads(events: Iterable[AuditEvent]) -> list[EventGroup]:
    """``events`` (newest first) with repeated reads folded into one group each: a read joins
    the open group of its key when it lies within ``GROUP_WINDOW`` of that group's newest
    event. Other people's events in between do not break a run."""
    groups: list[EventGroup] = []
    open_groups: dict[tuple[Any, ...], EventGroup] = {}
    for event in events:
        key = _read_key(event)
        group = open_groups.get(key) if key is not None else None
        if group is not None and group.last_at - event.occurred_at <= GROUP_WINDOW:
            group.events.append(event)
            continue
        group = EventGroup([event])
        groups.append(group)
        if key is not None:
            open_groups[key] = group
    return groups


def scoped_events(scope: AuditScope) -> QuerySet[AuditEvent]:
    """Every event ``scope`` may read."""
    events = AuditEvent.objects.all()
    if scope.everything:
        return events
    rules = scope_rules()
    if rules is None:  # fail closed (scope_registry)
        return events.none()
    regions = scope.regions
    own_cases = rules.case_references(regions)
    other_cases = rules.other_case_references(regions)
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


def events_for_export(
    filters: dict[str, Any], scope: AuditScope, *, oldest_first: bool = False
) -> Iterator[AuditEvent]:
    """Every event ``filters`` select within ``scope``, streamed from the database in chunks
    (an export may hold a million rows): newest first like the viewer (the CSV), or in the
    chain's order (NEN 7513)."""
    events = filtered_events(filters, scope)
    if oldest_first:
        events = events.order_by("id")
    return events.iterator(chunk_size=EXPORT_CHUNK)


def page_of_events(
    filters: dict[str, Any], scope: AuditScope, *, before: int | None
) -> tuple[list[EventGroup], int | None]:
    """One page of ``PAGE_SIZE`` events, newest first, repeated reads grouped, and the id to
    continue from (None on the last page)."""
    events = filtered_events(filters, scope)
    if before is not None:
        events = events.filter(id__lt=before)
    rows = list(events[: PAGE_SIZE + 1])
    next_before = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    return group_repeated_reads(rows[:PAGE_SIZE]), next_before


@dataclass(frozen=True)
class PersonAccess:
    """Who accessed a case: one person in one organisation, how often, first and last time."""

    actor_id: int | None
    name: str
    organisation: str
    count: int
    denied: int
    first_at: dt.datetime
    last_at: dt.datetime


def access_by_person(case_reference: str) -> list[PersonAccess]:
    """Every event on a case, counted per person and organisation (the organisation they acted
    for at the time), most recent first. One query. Callers check access first."""
    rows = (
        AuditEvent.objects.filter(case_reference=case_reference)
        .values("actor_id", "actor__full_name", "actor_label", "organisation")
        .annotate(
            total=Count("id"),
            denied=Count("id", filter=~Q(outcome="allowed")),
            first=Min("occurred_at"),
            last=Max("occurred_at"),
        )
        .order_by("-last")
    )
    return [
        PersonAccess(
            actor_id=row["actor_id"],
            name=(row["actor__full_name"] or "").strip()
            or (_("onbekend account") if row["actor_label"] else _("het portaal zelf")),
            organisation=row["organisation"],
            count=row["total"],
            denied=row["denied"],
            first_at=row["first"],
            last_at=row["last"],
        )
        for row in rows
    ]
