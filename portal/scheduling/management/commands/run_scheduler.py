"""Enqueue periodic tasks at their intervals (settings.PERIODIC_TASKS: dotted path -> seconds).

Run one scheduler per deployment (docker-compose service ``scheduler``); the django-tasks worker
executes what it enqueues. ``--once`` enqueues every task one time and exits (used by tests).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Enqueue the periodic background tasks at their intervals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue each task once and exit.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        schedule = dict(getattr(settings, "PERIODIC_TASKS", {}))
        next_run = dict.fromkeys(schedule, 0.0)
        while True:
            now = time.monotonic()
            for path, interval in schedule.items():
                if now >= next_run[path]:
                    result = import_string(path).enqueue()
                    self.stdout.write(f"enqueued {path} ({result.id})")
                    next_run[path] = now + interval
            if once:
                return
            time.sleep(5)
