"""Reads of the collaboration side. Case data is read only through these selectors: each takes
the acting user, applies the access rule (``collaboration.access``) and records the access,
allowed or denied, in the audit log in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..models import Membership


def memberships_of(user: Any) -> QuerySet[Membership]:
    """The active memberships of ``user``, with their organisations, in one query."""
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )
