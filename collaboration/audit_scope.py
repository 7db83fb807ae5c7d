"""The case rules behind the audit viewer's scope, as the ground floor's
``portal.audit.scope_registry`` asks for them; registered from ``CollaborationConfig.ready()``.

Who is a privacy officer of which regions is the portal's one membership rule
(``collaboration.access.actor_profile``); a region's cases are those whose ``region`` it is.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from portal.audit.scope_registry import ScopeRules

from .access import actor_profile
from .models import Case


def privacy_regions(user: Any) -> frozenset[str]:
    return actor_profile(user).privacy_regions


def case_references(regions: frozenset[str]) -> QuerySet[Any, Any]:
    return Case.objects.filter(region__in=regions).values("reference")


def other_case_references(regions: frozenset[str]) -> QuerySet[Any, Any]:
    return Case.objects.exclude(region__in=regions).values("reference")


RULES = ScopeRules(
    privacy_regions=privacy_regions,
    case_references=case_references,
    other_case_references=other_case_references,
)
