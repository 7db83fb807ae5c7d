"""Periodic training work, for cron (every 15 minutes): lapse expired waitlist offers, send
reminders, delete peer-support registrations past their retention period.

With ``--now`` it runs the work in this process instead of enqueuing tasks for the worker.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from content.training.tasks import (
    expire_offers,
    purge_peer_support_registrations,
    send_due_reminders,
)


class Command(BaseCommand):
    help = "Lapse expired waitlist offers, send session reminders, purge peer-support data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Run here instead of enqueuing.")

    def handle(self, *args: Any, **options: Any) -> None:
        for job in (expire_offers, send_due_reminders, purge_peer_support_registrations):
            if options["now"]:
                result = job.call()
                self.stdout.write(f"{job.name}: {result}")
            else:
                job.enqueue()
                self.stdout.write(f"{job.name}: enqueued")
