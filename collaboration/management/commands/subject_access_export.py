"""Subject access (GDPR art. 15) for scripted use, with the same rules as the audit area.

Two uses, both only for a privacy officer of the region (``--officer``; anyone else is refused
with the answer a missing request gets):

* ``--case REF --member ID --requester NAME --identity-checked-by NAME --identity-check CODE``
  registers a request and assembles it; held police and justice items and the release by a
  second officer are then done in the audit area (four eyes: a script cannot release).
* ``--request N --out DIR`` writes a released export (PDF and JSON) to DIR, audited as a
  download.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.urls import reverse

from collaboration.models import FamilyMember, IdentityCheck, RequesterRelation
from collaboration.subject_access.services import (
    case_for_officer,
    officer_regions,
    subject_access_assemble,
    subject_access_download,
    subject_access_register,
)
from portal.accounts.models import User

REFUSED = "Not found, or not allowed: --officer must be a privacy officer of the region."


class Command(BaseCommand):
    help = "Register and assemble a subject-access request, or write a released export (audited)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--officer", required=True, help="E-mail of a privacy officer")
        parser.add_argument("--request", type=int, help="A released request's number")
        parser.add_argument("--out", default=".", help="Folder for the PDF and the JSON")
        parser.add_argument("--case", help="Case reference, e.g. VH-OVL-2026-0001")
        parser.add_argument("--member", type=int, help="Family member id")
        parser.add_argument("--requester", help="Who asks")
        parser.add_argument(
            "--relation", default=RequesterRelation.SELF, choices=RequesterRelation.values
        )
        parser.add_argument("--identity-checked-by", help="Who checked the requester's identity")
        parser.add_argument("--identity-check", choices=IdentityCheck.values)
        parser.add_argument("--identity-note", default="")
        parser.add_argument("--received-on", type=dt.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        officer = User.objects.filter(email__iexact=options["officer"], is_active=True).first()
        if officer is None or not officer_regions(officer):
            raise CommandError(REFUSED)
        try:
            if options["request"]:
                self._write(officer, options["request"], Path(options["out"]))
            else:
                self._register(officer, options)
        except Http404 as error:
            raise CommandError(REFUSED) from error
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error

    def _register(self, officer: Any, options: dict[str, Any]) -> None:
        needed = ["case", "member", "requester", "identity_checked_by", "identity_check"]
        missing = [f"--{name.replace('_', '-')}" for name in needed if not options.get(name)]
        if missing:
            raise CommandError(f"Give --request, or all of: {', '.join(missing)}")
        try:
            case = case_for_officer(actor=officer, reference=options["case"])
        except ValidationError as error:
            raise CommandError(REFUSED) from error
        member = FamilyMember.objects.filter(pk=options["member"], case=case).first()
        if member is None:
            raise CommandError(REFUSED)
        request = subject_access_register(
            actor=officer,
            requester_name=options["requester"],
            requester_relation=options["relation"],
            identity_checked_by=options["identity_checked_by"],
            identity_check=options["identity_check"],
            identity_note=options["identity_note"],
            received_on=options["received_on"],
            family_member=member,
        )
        request = subject_access_assemble(actor=officer, request_id=request.pk)
        held = request.held_items.count()
        self.stdout.write(
            f"Request {request.pk} registered and assembled; deadline {request.deadline}; "
            f"{held} police/justice item(s) to decide on. A second privacy officer releases it "
            f"at {reverse('audit:subject_access_detail', args=[request.pk])}"
        )

    def _write(self, officer: Any, request_id: int, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for fmt in ("pdf", "json"):
            body, _type = subject_access_download(actor=officer, request_id=request_id, fmt=fmt)
            path = out / f"inzage-{request_id}.{fmt}"
            path.write_bytes(body)
            written.append(str(path))
        self.stdout.write("Wrote " + " and ".join(written))
