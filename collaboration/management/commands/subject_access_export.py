"""Write a subject-access export (JSON and PDF) for one family member of one case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from collaboration.models import Case, FamilyMember
from collaboration.services.subject_access import subject_access_export
from portal.accounts.models import User


class Command(BaseCommand):
    help = "Export everything about one family member in a case (GDPR art. 15), audited."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--case", required=True, help="Case reference, e.g. VH-OVL-2026-0001")
        parser.add_argument("--member", required=True, type=int, help="Family member id")
        parser.add_argument("--requested-by", required=True, help="E-mail of the privacy officer")
        parser.add_argument("--purpose", default="inzageverzoek", help="The request's reference")
        parser.add_argument("--out", default=".", help="Folder for the two files")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            case = Case.objects.get(reference=options["case"].upper())
            member = FamilyMember.objects.get(pk=options["member"], case=case)
            actor = User.objects.get(email__iexact=options["requested_by"], is_active=True)
        except (Case.DoesNotExist, FamilyMember.DoesNotExist, User.DoesNotExist) as error:
            raise CommandError("Case, family member or requester not found.") from error
        as_json, as_pdf = subject_access_export(
            actor=actor, case=case, member=member, purpose=options["purpose"]
        )
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        stem = f"inzage-{case.reference}-{member.pk}"
        (out / f"{stem}.json").write_bytes(as_json)
        (out / f"{stem}.pdf").write_bytes(as_pdf)
        self.stdout.write(f"Wrote {out / stem}.json and .pdf")
