"""``manage.py audit_verify``: prove the audit trail whole (portal/audit/transparency/verify.py):
the chain, the time order, every signed checkpoint, the witness's cosignature, and optionally a
checkpoint a reader was shown and what each witness last cosigned. Exit 1 naming each problem."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.audit.final_records import verify_final_records
from portal.audit.transparency.verify import shown_checkpoint, verify_trail


class Command(BaseCommand):
    help = "Verify the audit trail: hash chain, signed and witnessed checkpoints."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            help="a checkpoint file a reader was given (repeatable)",
        )
        parser.add_argument(
            "--ask-witnesses",
            action="store_true",
            help="also fetch what each witness of AUDIT_WITNESS_URLS last cosigned",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        shown = [shown_checkpoint(path) for path in options["checkpoint"]]
        urls = settings.AUDIT_WITNESS_URLS if options["ask_witnesses"] else []
        report = verify_trail(shown=shown, ask_witnesses=urls)
        problems = list(report.problems)
        for problem in _final_record_problems():
            problems.append(problem)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"Audit trail NOT intact ({len(problems)} problem(s) in {report.records} "
                f"records). {problems[0]}"
            )
        witnessed = (
            f"; latest witnessed checkpoint {report.latest_witnessed}"
            if report.latest_witnessed is not None
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit trail intact: {report.records} records, "
                f"{report.checkpoints} signed checkpoint file(s) checked{witnessed}."
            )
        )


def _final_record_problems() -> list[str]:
    """Finalised minutes, decided referrals and issued certificates against their hashes in the
    trail (portal/audit/final_records.py)."""
    return [f"Final record: {p.kind} {p.object_id}: {p.reason}" for p in verify_final_records()]
