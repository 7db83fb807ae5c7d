"""Reads of the live notes' presence: who is connected to a meeting now.

The meeting itself, its access rule and its audited read are ``collaboration.selectors.meetings``
(``meeting_access``, ``current_basis``, ``has_acknowledged``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from .models import LiveConnection


def presence_heartbeat() -> float:
    """Seconds between a consumer's refreshes of its connection row."""
    return float(getattr(settings, "LIVE_NOTES_PRESENCE_HEARTBEAT", 30))


def presence_stale_after() -> dt.timedelta:
    """A connection not refreshed for three heartbeats is no longer served by any process."""
    return dt.timedelta(seconds=3 * presence_heartbeat())


def live_connections() -> QuerySet[LiveConnection]:
    return LiveConnection.objects.filter(seen_at__gte=timezone.now() - presence_stale_after())


def present_people(meeting_id: int) -> list[dict[str, Any]]:
    """Who has an authenticated, live connection to the meeting now, one entry per person."""
    rows = (
        live_connections()
        .filter(meeting_id=meeting_id)
        .order_by("user__full_name", "user_id")
        .values_list("user_id", "user__full_name", "can_edit")
    )
    people: dict[int, dict[str, Any]] = {}
    for user_id, name, can_edit in rows:
        person = people.setdefault(user_id, {"id": user_id, "name": name, "can_edit": False})
        person["can_edit"] = person["can_edit"] or can_edit
    return list(people.values())
