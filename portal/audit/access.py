"""Who may read the audit trail: privacy officers (an active membership with that role) and
superusers. Every read, allowed or denied, is itself an audit event."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from .events import AuditAction, Outcome
from .writer import record_event

PRIVACY_OFFICER_ROLE = "privacy_officer"


def can_read_audit_trail(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    memberships = getattr(user, "memberships", None)
    return (
        memberships is not None
        and memberships.filter(role=PRIVACY_OFFICER_ROLE, is_active=True).exists()
    )


def require_audit_reader(user: Any, *, action: AuditAction = AuditAction.AUDIT_VIEWED) -> None:
    """Raise 404 (not 403: no hint that the area exists) and record the refusal."""
    if not can_read_audit_trail(user):
        record_event(action=action, actor=user, outcome=Outcome.DENIED, object_type="audit")
        raise Http404
