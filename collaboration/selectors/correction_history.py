"""The correction history of the items a page shows (``models.Correction``), loaded at once.

Kept apart from ``selectors.corrections`` so the case page's selector can use it without
importing the form selectors (which import the case page's)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from ..models import Correction


def attach_corrections(case: Any, items: dict[str, Iterable[Model]]) -> None:
    """Give every item of ``items`` (kind -> items the viewer sees) its ``corrections``, oldest
    first, in one query; the history shows where the item shows, to whoever sees it."""
    by_kind = {kind: list(rows) for kind, rows in items.items()}
    ids = {pk for rows in by_kind.values() for pk in (row.pk for row in rows)}
    history: dict[tuple[str, int], list[Correction]] = defaultdict(list)
    if ids:
        found = Correction.objects.filter(
            case=case, kind__in=list(by_kind), object_id__in=ids
        ).select_related("corrected_by")
        for correction in found:
            history[(correction.kind, correction.object_id)].append(correction)
    for kind, rows in by_kind.items():
        for row in rows:
            row.corrections = history.get((kind, row.pk), [])  # type: ignore[attr-defined]
