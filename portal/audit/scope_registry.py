"""What the audit viewer needs to know from the side that holds the cases, filled in at start-up.

The trail is scoped to a privacy officer's regions (``portal.audit.access``, ``.selectors``), and
two of the rules behind that scope are case rules, so they live with the cases: who is a privacy
officer of which regions (the portal's one membership rule, ``collaboration.access``), and which
case references are a region's. The ground floor imports no side
(``tests/architecture/test_import_rules.py``), so ``collaboration``'s ``AppConfig.ready()``
registers them here.

Until they are registered the viewer fails closed: nobody but a superuser reads the trail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class ScopeRules:
    """The case side's answers, as the viewer asks them."""

    privacy_regions: Callable[[Any], frozenset[str]]
    """The regions ``user`` is an active privacy officer of; empty for anyone else."""

    case_references: Callable[[frozenset[str]], QuerySet[Any, Any]]
    """The references of the cases of ``regions``: a ``values("reference")`` queryset, used as
    a subquery (never evaluated in Python)."""

    other_case_references: Callable[[frozenset[str]], QuerySet[Any, Any]]
    """The same for every case of any other region."""


_rules: ScopeRules | None = None


def register_scope_rules(rules: ScopeRules) -> None:
    """Called once from the case side's ``AppConfig.ready()``; a second call replaces the first
    (Django may run ``ready()`` again in tests that reload the app registry)."""
    global _rules
    _rules = rules


def scope_rules() -> ScopeRules | None:
    """The registered rules, or None before the case side has registered them."""
    return _rules
