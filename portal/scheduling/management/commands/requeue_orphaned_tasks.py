"""Put tasks left RUNNING by a worker that died (SIGKILL, out of memory) back in the queue.

django-tasks-db does not recover claimed tasks by itself. The worker entrypoint runs this before
``db_worker`` starts: with one worker per deployment every RUNNING task at that moment is an
orphan. With several workers, pass ``--older-than`` a bound above the longest task. Our tasks
are idempotent (they check state before acting), so a rerun is safe.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = "Requeue background tasks left RUNNING by a worker that died."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than", type=int, default=0, help="Only tasks started more than N seconds ago."
        )

    def handle(self, *args: Any, older_than: int = 0, **options: Any) -> None:
        cutoff = timezone.now() - dt.timedelta(seconds=older_than)
        orphans = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, started_at__lte=cutoff
        )
        count = orphans.update(
            status=TaskResultStatus.READY, started_at=None, run_after=timezone.now()
        )
        self.stdout.write(f"requeued {count} orphaned task(s)")
