"""``manage.py audit_signer``: the process that signs checkpoints of the audit trail
(portal/audit/transparency/signer.py). Stopped with SIGTERM or SIGINT, it writes one last
checkpoint and has it cosigned before it exits."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from portal.audit.transparency import signer


class Command(BaseCommand):
    help = "Sign checkpoints of the audit trail and have them cosigned by the witnesses."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="one round, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
        status = signer.run(once=options["once"], stop=stop)
        if status:
            raise CommandError("The audit trail does not match its checkpoints: nothing signed.")
