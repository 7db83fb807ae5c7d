"""The field that ties a sharing act to the basis it rests on (``legal_bases.LegalBasis``).

Kept apart so the models of the sharing acts (participants, entries, documents, meetings) can
use it without importing the register, which itself refers to cases and family members.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


def shared_under() -> models.ForeignKey:  # type: ignore[type-arg]
    """Null only on rows shared before the register existed (migration 0017)."""
    return models.ForeignKey(
        "collaboration.LegalBasis",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gedeeld op grond van"),
    )
