"""Anonymise closed cases past their retention period. A dry run unless ``--apply`` is given."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from collaboration.services.retention import anonymise_due_cases


class Command(BaseCommand):
    help = "Anonymise closed cases older than CASE_RETENTION_YEARS (dry run by default)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--apply", action="store_true", help="Really anonymise (default: dry run)."
        )

    def handle(self, *args: Any, apply: bool = False, **options: Any) -> None:
        report = anonymise_due_cases(dry_run=not apply)
        verb = "Anonymised" if apply else "Would anonymise"
        self.stdout.write(f"{verb} {len(report.cases)} case(s): {', '.join(report.cases) or '-'}")
        for model, count in sorted(report.rows.items()):
            self.stdout.write(f"  {model}: {count} row(s)")
        self.stdout.write(
            f"  documents deleted: {report.documents if apply else 0} (of {report.documents})"
        )
        if not apply:
            self.stdout.write("Dry run: nothing was changed. Use --apply to anonymise.")
