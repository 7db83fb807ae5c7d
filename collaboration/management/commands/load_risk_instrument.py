"""Load a risk-assessment instrument (one version) from its JSON file; see
docs/risk-assessment.md. A version that exists is refused: load a changed instrument as a new
version."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from collaboration.risk_instruments import load_instrument_file


class Command(BaseCommand):
    help = "Load a risk-assessment instrument version from a JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            instrument = load_instrument_file(options["path"])
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {options['path']}: {error}") from error
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"loaded {instrument.code} v{instrument.version}")
