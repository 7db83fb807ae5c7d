"""What retention would anonymise now (a dry run, every region), or ``--propose``: record the
proposals a privacy officer confirms in the audit area, as the daily task does.

Applying is never done from here: a privacy officer of the region confirms a proposal at
/audit/bewaartermijnen/, and the confirmed run is applied by a background task.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from collaboration.services.retention import anonymise_due_cases
from collaboration.services.retention_runs import retention_runs_propose


class Command(BaseCommand):
    help = "Show what retention would anonymise (dry run), or --propose it for confirmation."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--propose",
            action="store_true",
            help="Record the proposals for the privacy officers (nothing is anonymised).",
        )

    def handle(self, *args: Any, propose: bool = False, **options: Any) -> None:
        if propose:
            runs = retention_runs_propose()
            for run in runs:
                self.stdout.write(
                    f"Proposed run {run.pk} for {run.region}: {len(run.cases)} case(s), "
                    f"{len(run.referrals)} referral(s), {len(run.consults)} consult(s)"
                )
            self.stdout.write(f"{len(runs)} new proposal(s); confirm at /audit/bewaartermijnen/.")
            return
        report = anonymise_due_cases(dry_run=True)
        self.stdout.write(
            f"Would anonymise {len(report.cases)} case(s): {', '.join(report.cases) or '-'}; "
            f"{report.referrals} declined referral(s); {report.consults} consult question(s)"
        )
        for label, count in sorted(report.rows.items()):
            self.stdout.write(f"  {label}: {count} row(s)")
        self.stdout.write("Dry run: nothing was changed. Use --propose to ask for confirmation.")
