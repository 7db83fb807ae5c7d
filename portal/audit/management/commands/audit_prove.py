"""``manage.py audit_prove RECORD_ID``: the inclusion proof of one audit record, as a JSON
bundle anyone can check with ``python -m portal.audit.transparency.proof`` (docs/audit.md)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.audit.models import AuditEvent
from portal.audit.transparency.inclusion import NoProof, inclusion_bundle
from portal.audit.transparency.log import CheckpointStore


class Command(BaseCommand):
    help = "Write the inclusion proof of one audit record (JSON) to stdout or --out."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("record_id", type=int)
        parser.add_argument("--out")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.AUDIT_CHECKPOINT_DIR:
            raise CommandError("AUDIT_CHECKPOINT_DIR is not set: there are no checkpoints.")
        try:
            bundle = inclusion_bundle(
                options["record_id"], CheckpointStore(settings.AUDIT_CHECKPOINT_DIR)
            )
        except AuditEvent.DoesNotExist:
            raise CommandError("No such audit record.") from None
        except NoProof as error:
            raise CommandError(str(error)) from None
        text = json.dumps(bundle, indent=2)
        if options["out"]:
            with open(options["out"], "w") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)
