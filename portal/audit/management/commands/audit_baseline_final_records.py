"""``manage.py audit_baseline_final_records``: once, after the upgrade that put the hashes of
final records into the audit trail, hash each decided referral and issued certificate the trail
has no hash for, as it stands now (audit action 334). From then on ``audit_verify`` catches a
change to it; before that moment nothing proves it, and the record says so. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.audit.final_records import record_missing_hashes


class Command(BaseCommand):
    help = "Record the hashes of final records that have none in the audit trail."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            recorded = record_missing_hashes()
        summary = ", ".join(f"{kind} {count}" for kind, count in recorded.items())
        self.stdout.write(f"Final records hashed now (had none in the trail): {summary}.")
