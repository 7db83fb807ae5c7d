"""The bounded free-text field the case models share."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models


def text_field(label: str, *, blank: bool = True, max_length: int = 4000) -> models.TextField:
    """A text field that refuses more than ``max_length`` characters, also outside forms."""
    return models.TextField(
        label, blank=blank, max_length=max_length, validators=[MaxLengthValidator(max_length)]
    )
