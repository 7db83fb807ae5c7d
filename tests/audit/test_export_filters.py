"""An export with a filter that does not validate is refused, never widened: the CSV and the
NEN 7513 JSON answer 400 with a Dutch page that names the field, export nothing, and the
refusal is in the trail."""

from __future__ import annotations

import pytest

from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from portal.audit.writer import record_event

from .test_viewer import _in_leuven, privacy_officer  # noqa: F401  (a fixture, used by name)

pytestmark = pytest.mark.django_db

EXPORTS = {"/audit/export.csv": "csv", "/audit/nen7513.json": "nen7513"}


@pytest.mark.parametrize("url", sorted(EXPORTS))
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"date_from": "gisteren"}, "Vanaf", "Voer een geldige datum in."),
        ({"date_to": "2026-13-40"}, "Tot en met", "Voer een geldige datum in."),
        ({"action": "999999"}, "Handeling", "Selecteer een geldige keuze."),
        ({"outcome": "maybe", "case": "VH-OVL-2026-0042"}, "Resultaat", "Selecteer een geldige"),
    ],
)
def test_an_invalid_filter_is_refused_and_nothing_is_exported(
    privacy_officer,  # noqa: F811
    verified_client,
    make_user,
    url: str,
    query: dict[str, str],
    field: str,
    message: str,
) -> None:
    reader = _in_leuven(make_user(email="lezer@test.example"))
    record_event(action=AuditAction.CASE_VIEWED, actor=reader, case_reference="VH-OVL-2026-0042")
    client = verified_client(privacy_officer)

    response = client.get(url, query)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert "Niets geëxporteerd" in page
    assert f"{field}: {message}" in page
    assert "VH-OVL-2026-0042" not in page.replace('value="VH-OVL-2026-0042"', "")
    refusal = AuditEvent.objects.get(action=AuditAction.EXPORTED, actor=privacy_officer)
    assert refusal.outcome == Outcome.DENIED and refusal.purpose == "invalid_filters"
    assert refusal.extra["invalid"] == [next(iter(k for k in query if k != "case"))]
    assert EXPORTS[url] in refusal.extra["format"]


@pytest.mark.parametrize("url", sorted(EXPORTS))
def test_a_valid_filter_still_exports_only_what_it_selects(
    privacy_officer,  # noqa: F811
    verified_client,
    make_user,
    url: str,
) -> None:
    reader = _in_leuven(make_user(email="lezer@test.example"))
    record_event(action=AuditAction.CASE_VIEWED, actor=reader, case_reference="VH-OVL-2026-0042")
    record_event(action=AuditAction.CASE_VIEWED, actor=reader, case_reference="VH-OVL-2026-0043")
    client = verified_client(privacy_officer)

    response = client.get(url, {"case": "VH-OVL-2026-0043", "date_from": "2000-01-01"})

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "VH-OVL-2026-0043" in body and "VH-OVL-2026-0042" not in body
    assert AuditEvent.objects.get(
        action=AuditAction.EXPORTED, actor=privacy_officer, outcome=Outcome.ALLOWED
    )
