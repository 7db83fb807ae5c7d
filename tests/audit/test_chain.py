"""The audit chain: hashed, linked, append-only; tampering is found by audit_verify."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from portal.audit.context import audit_context
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from portal.audit.tasks import verify_audit_chain
from portal.audit.verify import verify_chain
from portal.audit.writer import GENESIS_HASH, compute_hash, record_event


def _three_events(user):
    return [
        record_event(action=AuditAction.CASE_VIEWED, actor=user, case_reference="VH-OVL-2026-0001"),
        record_event(
            action=AuditAction.CASE_VIEWED,
            actor=user,
            outcome=Outcome.DENIED,
            case_reference="VH-OVL-2026-0002",
        ),
        record_event(action=AuditAction.EXPORTED, actor=user, extra={"rows": 3}),
    ]


@pytest.mark.django_db
def test_events_are_chained(make_user) -> None:
    first, second, third = _three_events(make_user())
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    assert verify_chain().ok


@pytest.mark.django_db
def test_the_stored_row_hashes_the_same_in_python_and_in_the_database(make_user) -> None:
    """On PostgreSQL the database stamps, links and hashes the row (one round trip); read back,
    every row must hash the same in Python, whatever its content."""
    user = make_user(full_name='Zoë "Quote" \\ O\'Neil')
    awkward = [
        record_event(
            action=AuditAction.CASE_VIEWED,
            actor=user,
            actor_label='"occurred_at":"occurred-at-slot" é \u202e',
            purpose="Noodtoegang: kind in gevaar.\nTweede regel \u00e9\u00e8 \U0001f6a8",
            case_reference="VH-OVL-2026-0003",
            extra={"occurred_at": "occurred-at-slot", "nested": {"b": [1, 2.5, None, True]}},
        ),
        record_event(action=AuditAction.SIGN_IN_FAILED, actor_label="", extra={}),
        record_event(
            action=AuditAction.CASE_VIEWED,
            actor=user,
            organisation="Politiezone " + "x" * 190 + "     ",  # over-long, trailing spaces
            role="partner",
        ),
    ]
    with audit_context(ip_address="2001:DB8:0:0::1"):
        awkward.append(record_event(action=AuditAction.CASE_VIEWED, actor=user))
    with audit_context(ip_address="203.0.113.9:5678"):  # not an address: stored as none
        awkward.append(record_event(action=AuditAction.CASE_VIEWED, actor=user))
    assert awkward[3].ip_address == "2001:db8::1" and awkward[4].ip_address is None
    stored = list(AuditEvent.objects.filter(pk__in=[event.pk for event in awkward]).order_by("id"))
    for returned, row in zip(awkward, stored, strict=True):
        assert returned.occurred_at == row.occurred_at
        assert returned.hash == row.hash
        assert compute_hash(row, row.prev_hash) == row.hash
    assert verify_chain().ok


def _tamper(event_id: int, sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Disable triggers for this session only, as an attacker with database rights could.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, [*params, event_id])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


@pytest.mark.django_db
def test_audit_verify_names_the_changed_record(make_user) -> None:
    _first, second, _third = _three_events(make_user())
    call_command("audit_verify", stdout=open("/dev/null", "w"))  # noqa: SIM115
    _tamper(
        second.pk,
        "UPDATE audit_auditevent SET case_reference = %s WHERE id = %s",
        ["VH-OVL-2026-9999"],
    )
    with pytest.raises(CommandError, match=f"record {second.pk} does not match its hash"):
        call_command("audit_verify")
    assert verify_audit_chain.call()["first_broken_id"] == second.pk


@pytest.mark.django_db
def test_audit_verify_finds_a_deleted_record(make_user) -> None:
    _first, second, third = _three_events(make_user())
    _tamper(second.pk, "DELETE FROM audit_auditevent WHERE id = %s", [])
    report = verify_chain()
    assert report.first_broken_id == third.pk
    assert "prev_hash" in report.reason


@pytest.mark.django_db
def test_a_rehashed_record_still_breaks_the_link_to_the_next(make_user) -> None:
    from portal.audit.writer import compute_hash

    _first, second, third = _three_events(make_user())
    second.purpose = "achteraf toegevoegd"
    new_hash = compute_hash(second, second.prev_hash)
    _tamper(
        second.pk,
        "UPDATE audit_auditevent SET purpose = %s, hash = %s WHERE id = %s",
        ["achteraf toegevoegd", new_hash],
    )
    assert verify_chain().first_broken_id == third.pk


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)
def test_postgresql_refuses_update_and_delete(make_user) -> None:
    event = record_event(action=AuditAction.CASE_VIEWED, actor=make_user())
    for sql in (
        "UPDATE audit_auditevent SET purpose = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, purpose="").exists()


@pytest.mark.django_db
def test_audit_row_rolls_back_with_the_change_it_records(make_user) -> None:
    user = make_user()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(action=AuditAction.CASE_CHANGED, actor=user)
        raise RuntimeError("de wijziging mislukt")
    assert not AuditEvent.objects.filter(action=AuditAction.CASE_CHANGED).exists()


@pytest.mark.django_db
def test_scheduler_enqueues_the_chain_check(capsys) -> None:
    call_command("run_scheduler", "--once")
    assert "portal.audit.tasks.verify_audit_chain" in capsys.readouterr().out


def _format_one_row(user) -> AuditEvent:
    """A row as the writer stored it before migration 0011: format 1, no NEN 7513 fields,
    hashed over the format-1 fields only."""
    from portal.audit.writer import build_event

    event = build_event(
        action=AuditAction.CASE_VIEWED, actor=user, case_reference="VH-OVL-2026-0001"
    )
    event.format_version = 1
    event.source_system = event.site = event.access_rule = ""
    event.legal_basis = event.lifecycle = event.sensitivity = ""
    event.emergency = False
    from django.utils import timezone

    event.occurred_at = timezone.now()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event.prev_hash = last or GENESIS_HASH
    event.hash = compute_hash(event, event.prev_hash)
    event.save(force_insert=True)
    return event


@pytest.mark.django_db
def test_format_one_rows_still_verify_before_format_two_rows(make_user) -> None:
    """The chain written before the NEN 7513 fields keeps verifying, and new rows chain on."""
    user = make_user()
    old = [_format_one_row(user), _format_one_row(user)]
    new = _three_events(user)
    assert [e.format_version for e in old] == [1, 1]
    assert {e.format_version for e in new} == {2}
    assert new[0].prev_hash == old[-1].hash
    assert verify_chain().ok
    assert verify_chain().checked == 5


@pytest.mark.django_db
def test_a_format_one_row_after_format_two_breaks_the_chain(make_user) -> None:
    """Appending (or turning a row back into) the old format would drop the new fields from
    the hash: a lower format after a higher one counts as broken."""
    user = make_user()
    _three_events(user)
    late = _format_one_row(user)
    report = verify_chain()
    assert report.first_broken_id == late.pk and "format version" in report.reason


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("access_rule", "'case_director'"),
        ("emergency", "true"),
        ("legal_basis", "'gdpr_art15'"),
        ("lifecycle", "'delete'"),
        ("sensitivity", "'N'"),
        ("site", "'elders'"),
        ("source_system", "'ander-systeem'"),
        ("format_version", "1"),
        ("format_version", "7"),
    ],
)
def test_the_nen7513_fields_are_in_the_hash(make_user, column, value) -> None:
    _first, second, _third = _three_events(make_user())
    _tamper(second.pk, f"UPDATE audit_auditevent SET {column} = {value} WHERE id = %s", [])  # noqa: S608
    assert verify_chain().first_broken_id == second.pk
