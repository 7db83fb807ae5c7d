"""Finalising a meeting on any day and at any hour: late in the evening, just after midnight,
on the days the clocks change, and before the meeting's planned start.

A meeting finalised before its planned calendar day was held on the day it is finalised; its
timeline entry is dated then, and the "no dates in the future" rule of the timeline holds.
The clock is pinned (time-machine) in Europe/Brussels, the portal's time zone.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from collaboration.models import MeetingStatus, TimelineEntry
from collaboration.services.minutes import meeting_finalise

from .world import build_world

BRUSSELS = ZoneInfo("Europe/Brussels")
pytestmark = pytest.mark.django_db

# (the moment of finalising, hours between it and the meeting's planned start)
MOMENTS = [
    pytest.param(
        datetime.datetime(2026, 12, 2, 23, 30, tzinfo=BRUSSELS), 2, id="23:30, meeting at 01:30"
    ),
    pytest.param(
        datetime.datetime(2026, 12, 3, 0, 30, tzinfo=BRUSSELS), 2, id="00:30, meeting at 02:30"
    ),
    pytest.param(
        datetime.datetime(2026, 12, 2, 22, 15, tzinfo=BRUSSELS), 26, id="22:15, meeting tomorrow"
    ),
    pytest.param(datetime.datetime(2026, 3, 28, 23, 30, tzinfo=BRUSSELS), 2, id="spring forward"),
    pytest.param(datetime.datetime(2026, 10, 25, 1, 30, tzinfo=BRUSSELS), 2, id="fall back"),
    pytest.param(
        datetime.datetime(2026, 12, 2, 23, 30, tzinfo=BRUSSELS), -3, id="held this evening"
    ),
]


@pytest.mark.parametrize(("now", "hours_ahead"), MOMENTS)
def test_a_meeting_is_finalised_at_any_hour(now: datetime.datetime, hours_ahead: int) -> None:
    with time_machine.travel(now, tick=False):
        world = build_world()
        world.meeting.starts_at = timezone.now() + datetime.timedelta(hours=hours_ahead)
        world.meeting.save(update_fields=["starts_at"])
        meeting_finalise(actor=world.director, meeting_id=world.meeting.pk, actions=[])
        world.meeting.refresh_from_db()
        assert world.meeting.status == MeetingStatus.FINALISED
        entry = TimelineEntry.objects.get(case=world.case, kind="network_meeting")
        today = now.astimezone(BRUSSELS).date()
        planned = timezone.localtime(world.meeting.starts_at).date()
        assert entry.occurred_on == min(today, planned)
        assert entry.occurred_on <= timezone.localdate()
