"""Periodic compaction of the live-notes logs (run from cron or a scheduler, e.g. every 10 min).

Compaction also starts by itself when the last person leaves a meeting and every few hundred
updates; this command catches meetings left with a long log (a crashed process, a long day).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count

from collaboration.live_notes.models import NoteUpdate
from collaboration.live_notes.tasks import compact_meeting_notes


class Command(BaseCommand):
    help = "Queue compaction for every meeting with at least --min pending live-notes updates."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--min", type=int, default=50, dest="minimum")

    def handle(self, *args: Any, minimum: int, **options: Any) -> None:
        meetings = (
            NoteUpdate.objects.filter(snapshot__isnull=True)
            .values("meeting_id")
            .annotate(pending=Count("id"))
            .filter(pending__gte=minimum)
            .values_list("meeting_id", flat=True)
        )
        queued = 0
        for meeting_id in meetings:
            compact_meeting_notes.enqueue(meeting_id=meeting_id)
            queued += 1
        self.stdout.write(f"Queued compaction for {queued} meeting(s).")
