"""The demo accessibility statement is complete (issue 16, item 7): date, compliance status,
known limitations, contact and the complaints route to the Vlaamse Ombudsdienst."""

from __future__ import annotations

from django.test import Client

from content.demo_accessibility import STATEMENT_DATE
from content.models import HomePage


def test_statement_has_every_required_part(demo_site: HomePage, client: Client) -> None:
    body = client.get("/toegankelijkheid/").content.decode()
    for part in (
        "Nalevingsstatus",
        "gedeeltelijk conform",
        "Bekende beperkingen",
        f"opgesteld op {STATEMENT_DATE}",
        "Feedback en contact",
        "mailto:",
        "Klachten",
        "Vlaamse Ombudsdienst",
        'href="https://www.vlaamseombudsdienst.be"',
    ):
        assert part in body, part
