"""``audit_verify``'s fast read on PostgreSQL (the time and ``extra`` formatted by the database)
gives byte for byte the canonical content of ``portal.audit.chain``, whatever the record holds."""

from __future__ import annotations

import pytest

from portal.audit.chain import HASHED_FIELDS_BY_VERSION, canonical_content
from portal.audit.context import audit_context
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.audit.transparency import verify
from portal.audit.writer import record_event


@pytest.mark.postgresql
@pytest.mark.django_db
def test_the_fast_rows_hash_as_the_chain_does(make_user) -> None:
    user = make_user(full_name='Zoë "Quote" \\ O\'Neil')
    record_event(
        action=AuditAction.CASE_VIEWED,
        actor=user,
        actor_label='"occurred_at":"occurred-at-slot" é \u202e',
        purpose="Noodtoegang: kind in gevaar.\nTweede regel \u00e9\u00e8 \U0001f6a8",
        extra={"occurred_at": "x", "nested": {"b": [1, 2.5, None, True]}, "ë": "\u2014"},
    )
    record_event(action=AuditAction.SIGN_IN_FAILED, actor_label="", extra={})
    with audit_context(ip_address="2001:DB8:0:0::1"):
        record_event(action=AuditAction.CASE_VIEWED, actor=user)
    with audit_context(ip_address="203.0.113.9"):
        record_event(action=AuditAction.CASE_VIEWED, actor=user, extra={"ids": [3, 1, 2]})
    rows = list(verify._rows_postgresql(batch=2))  # several pages
    events = list(AuditEvent.objects.order_by("id"))
    assert len(rows) == len(events) >= 4
    for row, event in zip(rows, events, strict=True):
        fields = HASHED_FIELDS_BY_VERSION[row[-1]]
        assert verify._content(row, fields) == canonical_content(event)
    report = verify.verify_trail(log_vkey="", checkpoint_dir="")
    assert report.ok and report.records == len(events)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_check_in_several_processes_finds_what_one_process_finds(
    make_user, monkeypatch
) -> None:
    """Small blocks and a low threshold make the parallel path run on a small trail: the
    same records, tree and problems as one pass, and a broken link at a block border found."""
    user = make_user()
    for number in range(37):
        record_event(action=AuditAction.CASE_VIEWED, actor=user, object_id=str(number))
    single = verify.verify_trail(log_vkey="", checkpoint_dir="")
    monkeypatch.setattr(verify, "PARALLEL_FROM", 10)
    monkeypatch.setattr(verify, "ALIGNMENT", 8)
    parallel = verify.verify_trail(log_vkey="", checkpoint_dir="")
    assert parallel.ok and single.ok
    assert parallel.records == single.records >= 37
    assert parallel.tree.levels == single.tree.levels
    # The first record of the second process's block removed: found at the border.
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    border = ids[len(ids) // 2 // 8 * 8]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [border])
        cursor.execute("SET session_replication_role = origin")
    after = ids[ids.index(border) + 1]
    broken = verify.verify_trail(log_vkey="", checkpoint_dir="")
    assert broken.problems[0] == (
        f"Chain: record {after} does not link to the record before it (one was removed or "
        "inserted)."
    )
    assert broken.tree.levels == verify.Tree.from_leaf_bytes(bytes(broken.tree.levels[0])).levels
