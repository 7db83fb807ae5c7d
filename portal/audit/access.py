"""Who may read the audit trail, and which part of it.

Privacy officers read the events of their own regions. Whether someone is a privacy officer, and
of which regions, is the one membership rule of the portal (``collaboration.access``, registered
here through ``scope_registry``): an active membership with that role in an active organisation,
so switching the organisation or the membership off closes the viewer at once. Superusers (the platform's operators, who can reach the
raw table in any case) read everything. Every read, allowed or denied, is itself an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from .events import AuditAction, Outcome
from .scope_registry import scope_rules
from .writer import record_event


@dataclass(frozen=True)
class AuditScope:
    """The part of the trail a reader may see: everything, or the events of ``regions``."""

    everything: bool
    regions: frozenset[str]


def audit_scope(user: Any) -> AuditScope | None:
    """The reader's scope, or None for someone who may not read the trail at all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return AuditScope(everything=True, regions=frozenset())
    rules = scope_rules()
    regions = rules.privacy_regions(user) if rules is not None else frozenset()
    return AuditScope(everything=False, regions=regions) if regions else None


def can_read_audit_trail(user: Any) -> bool:
    return audit_scope(user) is not None


def require_audit_reader(
    user: Any, *, action: AuditAction = AuditAction.AUDIT_VIEWED
) -> AuditScope:
    """The reader's scope; else 404 (not 403: no hint that the area exists), recorded."""
    scope = audit_scope(user)
    if scope is None:
        record_event(action=action, actor=user, outcome=Outcome.DENIED, object_type="audit")
        raise Http404
    return scope
