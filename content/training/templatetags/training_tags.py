"""Template helpers for training pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def hours(value: Any) -> str:
    """1.0 → '1', 1.5 → '1,5'."""
    from django.utils import formats

    if value is None:
        return ""
    if value == int(value):
        return str(int(value))
    return formats.number_format(value, decimal_pos=1, use_l10n=True)
