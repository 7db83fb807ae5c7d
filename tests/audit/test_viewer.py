"""The audit viewer: privacy officers only, filters, keyset pages, audited CSV export."""

from __future__ import annotations

import pytest

from collaboration.models import Organisation
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from portal.audit.writer import record_event
from tests.factories.organisations import MembershipFactory, OrganisationFactory


@pytest.fixture
def privacy_officer(make_user):
    user = make_user(email="privacy@test.example")
    organisation = OrganisationFactory(
        name="Veilig Huis Test", kind="veilig_huis", sector="welfare", region="leuven"
    )
    MembershipFactory(user=user, organisation=organisation, role="privacy_officer")
    return user


def _in_leuven(user):
    """A partner in the officer's region: their events are the officer's to read."""
    organisation = Organisation.objects.get_or_create(
        name="CAW Leuven Test", defaults={"kind": "caw", "sector": "welfare", "region": "leuven"}
    )[0]
    MembershipFactory(user=user, organisation=organisation, role="partner")
    return user


@pytest.mark.django_db
def test_privacy_officer_sees_filtered_events(privacy_officer, verified_client, make_user) -> None:
    reader = _in_leuven(make_user(email="lezer@test.example"))
    record_event(action=AuditAction.CASE_VIEWED, actor=reader, case_reference="VH-OVL-2026-0007")
    record_event(
        action=AuditAction.CASE_VIEWED,
        actor=reader,
        outcome=Outcome.DENIED,
        case_reference="VH-OVL-2026-0008",
    )
    client = verified_client(privacy_officer)
    response = client.get("/audit/", {"case": "VH-OVL-2026-0007"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "VH-OVL-2026-0007" in html and "VH-OVL-2026-0008" not in html
    denied = client.get("/audit/", {"outcome": "denied"}).content.decode()
    assert "VH-OVL-2026-0008" in denied and "VH-OVL-2026-0007" not in denied
    viewed = AuditEvent.objects.filter(action=AuditAction.AUDIT_VIEWED, actor=privacy_officer)
    assert viewed.count() == 2


@pytest.mark.django_db
def test_others_get_not_found_and_the_attempt_is_recorded(verified_client, make_user) -> None:
    outsider = make_user()
    client = verified_client(outsider)
    assert client.get("/audit/").status_code == 404
    assert client.get("/audit/export.csv").status_code == 404
    assert AuditEvent.objects.filter(actor=outsider, outcome=Outcome.DENIED).count() == 2


@pytest.mark.django_db
def test_pages_follow_each_other_without_gaps(privacy_officer, verified_client, make_user) -> None:
    reader = _in_leuven(make_user())
    for number in range(120):
        record_event(
            action=AuditAction.CASE_VIEWED, actor=reader, case_reference=f"VH-OVL-2026-{number:04d}"
        )
    client = verified_client(privacy_officer)
    seen: list[str] = []
    url, params = "/audit/", {"action": int(AuditAction.CASE_VIEWED)}
    while True:
        response = client.get(url, params)
        rows = response.context["rows"]
        seen += [row.event.case_reference for row in rows]
        if response.context["next_before"] is None:
            break
        params = {**params, "voor": response.context["next_before"]}
    assert len(seen) == 120 and len(set(seen)) == 120


@pytest.mark.django_db
def test_viewer_query_count_does_not_grow_with_rows(
    privacy_officer, verified_client, make_user, django_assert_max_num_queries
) -> None:
    reader = _in_leuven(make_user())
    client = verified_client(privacy_officer)
    for number in range(60):
        record_event(action=AuditAction.CASE_VIEWED, actor=reader, case_reference=f"VH-{number}")
    with django_assert_max_num_queries(14):
        client.get("/audit/")


@pytest.mark.django_db
def test_csv_export_is_audited_and_complete(privacy_officer, verified_client, make_user) -> None:
    reader = _in_leuven(make_user(email="csv@test.example"))
    record_event(
        action=AuditAction.DOCUMENT_DOWNLOADED, actor=reader, case_reference="VH-OVL-2026-0042"
    )
    client = verified_client(privacy_officer)
    response = client.get("/audit/export.csv", {"user": "csv@test.example"})
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Disposition"].startswith("attachment")
    lines = body.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("Nummer,Tijdstip (UTC),Handeling,Resultaat")
    assert len(lines) == 2 and "VH-OVL-2026-0042" in lines[1]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORTED, actor=privacy_officer).exists()


@pytest.mark.django_db
def test_bad_filter_input_gets_a_dutch_message_not_an_error(
    privacy_officer, verified_client
) -> None:
    client = verified_client(privacy_officer)
    response = client.get(
        "/audit/", {"date_from": "2026-05-01", "date_to": "2026-04-01", "voor": "abc"}
    )
    assert response.status_code == 200
    assert "De einddatum ligt vóór de begindatum." in response.content.decode()


@pytest.mark.django_db
def test_period_filter_is_exact_at_day_boundaries(
    privacy_officer, verified_client, make_user
) -> None:
    import datetime as dt

    from django.utils import timezone

    reader = _in_leuven(make_user())
    tz = timezone.get_current_timezone()
    moments = {
        "VH-A": dt.datetime(2026, 3, 31, 23, 59, 59, tzinfo=tz),
        "VH-B": dt.datetime(2026, 4, 1, 0, 0, 0, tzinfo=tz),
        "VH-C": dt.datetime(2026, 4, 30, 23, 59, 59, tzinfo=tz),
        "VH-D": dt.datetime(2026, 5, 1, 0, 0, 0, tzinfo=tz),
    }
    # The writer stamps the time itself (in the database on PostgreSQL), so these rows with
    # chosen times are chained here the way the writer chains them, in id order = time order.
    from portal.audit.writer import GENESIS_HASH, compute_hash

    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    for reference, moment in moments.items():
        event = AuditEvent(
            occurred_at=moment,
            action=int(AuditAction.CASE_VIEWED),
            outcome="allowed",
            actor=reader,
            actor_label=reader.email,
            case_reference=reference,
            prev_hash=last or GENESIS_HASH,
        )
        event.hash = last = compute_hash(event, event.prev_hash)
        event.save(force_insert=True)
    client = verified_client(privacy_officer)
    response = client.get(
        "/audit/", {"date_from": "2026-04-01", "date_to": "2026-04-30", "action": 200}
    )
    shown = {row.event.case_reference for row in response.context["rows"]}
    assert shown == {"VH-B", "VH-C"}
    none = client.get("/audit/", {"date_from": "2030-01-01"})
    assert list(none.context["rows"]) == []
