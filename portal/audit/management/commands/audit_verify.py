"""``manage.py audit_verify``: check the tamper-evident audit chain; exit 1 and name the first
broken record when it does not hold."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from portal.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at record {report.first_broken_id}: {report.reason} "
                f"({report.checked} records verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} records."))
