"""Verify an Open Badge file offline: its proof against a DID document, its dates, and its
revocation bit in a local copy of the status list. Without --did / --status-list the portal's
own current DID document and status lists are used (that reads the database, still no network).
Exit status 0 only for a valid, unrevoked, unexpired badge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from content.training.openbadges.verify import verify_credential


def _load(path: str) -> dict[str, Any]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"{path}: {error}") from error
    if not isinstance(document, dict):
        raise CommandError(f"{path}: not a JSON object")
    return document


class Command(BaseCommand):
    help = "Verify an Open Badges 3.0 credential offline (proof, dates, revocation)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the badge (.json)")
        parser.add_argument("--did", help="a local copy of the issuer's /.well-known/did.json")
        parser.add_argument(
            "--status-list",
            action="append",
            default=[],
            help="a local copy of a status list credential (repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        credential = _load(options["file"])
        if options["did"]:
            did_document = _load(options["did"])
        else:
            from content.training.openbadges.keys import did_document as portal_did

            did_document = portal_did()
        lists = {}
        for path in options["status_list"]:
            document = _load(path)
            lists[document.get("id")] = document
        if not options["status_list"]:
            lists = self._portal_list(credential)
        result = verify_credential(credential, did_document, lists)
        self.stdout.write(f"signature: {'valid' if result.signature_valid else 'INVALID'}")
        revoked = {None: "unknown", True: "REVOKED", False: "not revoked"}[result.revoked]
        self.stdout.write(f"revocation: {revoked}")
        for problem in result.problems:
            self.stdout.write(f"- {problem}")
        if not result.valid:
            raise CommandError("the badge is not valid")
        self.stdout.write(self.style.SUCCESS("valid"))

    def _portal_list(self, credential: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The portal's own current list, when the badge names one of its lists."""
        from urllib.parse import urlsplit

        from django.urls import Resolver404, resolve

        from content.training.openbadges.credentials import signed_status_list, status_list_url

        url = (credential.get("credentialStatus") or {}).get("statusListCredential")
        if not isinstance(url, str):
            return {}
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            return {}
        number = match.kwargs.get("number")
        if match.view_name != "training:open_badge_status_list" or status_list_url(number) != url:
            return {}
        return {url: signed_status_list(number)}
