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
