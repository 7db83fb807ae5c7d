"""``manage.py audit_export_nen7513``: the audit trail (or a period of it) as JSON in the field
names of the Logius NEN 7513 logging extension (``portal.audit.nen7513``, ``docs/audit.md``).

For scripted use by the platform's operators, who reach the raw table anyway; the export itself
is recorded in the trail (action *Gegevens geëxporteerd*, object ``audit``, by the system).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.audit.nen7513 import EXPORT_FORMAT, export_json
from portal.audit.writer import record_event


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from error


class Command(BaseCommand):
    help = "Export the audit trail as NEN 7513 JSON (Logius logging extension field names)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="date_from", help="first day (portal time zone), YYYY-MM-DD"
        )
        parser.add_argument("--to", dest="date_to", help="last day (portal time zone), YYYY-MM-DD")
        parser.add_argument("--case", help="only events of this case reference")
        parser.add_argument("--output", "-o", help="file to write; standard output if absent")

    def handle(self, *args: Any, **options: Any) -> None:
        events = AuditEvent.objects.order_by("id")
        meta: dict[str, str] = {}
        if options["date_from"]:
            start = _day(options["date_from"])
            events = events.filter(occurred_at__date__gte=start)
            meta["from"] = start.isoformat()
        if options["date_to"]:
            end = _day(options["date_to"])
            events = events.filter(occurred_at__date__lte=end)
            meta["to"] = end.isoformat()
        if options["case"]:
            events = events.filter(case_reference=options["case"].strip().upper())
            meta["case"] = options["case"].strip().upper()
        with transaction.atomic():
            record_event(
                action=AuditAction.EXPORTED,
                object_type="audit",
                access_rule="system",
                purpose="nen7513_export",
                extra={"format": EXPORT_FORMAT, "via": "manage.py", **meta},
            )
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                for chunk in export_json(events.iterator(chunk_size=2000), meta=meta):
                    out.write(chunk)
            return
        for chunk in export_json(events.iterator(chunk_size=2000), meta=meta):
            self.stdout.write(chunk, ending="")
