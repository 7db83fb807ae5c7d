"""The editors' image upload form (``WAGTAILIMAGES_IMAGE_FORM_BASE``).

Wagtail's image field turns a file it cannot identify into a validation error, but a file whose
header says "image" and whose data is broken (or HTML named ``.png``) fails later, while the
pixel size is read, and that error escaped as a server error. Here it is refused with a Dutch
message like any other file that is no image.
"""

from __future__ import annotations

import struct
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

UNREADABLE = _(
    "Dit bestand is geen leesbare afbeelding: het is beschadigd of een ander soort bestand."
)


class ReadableImageField(WagtailImageField):
    def to_python(self, data: Any) -> Any:
        try:
            return super().to_python(data)
        except ValidationError:
            raise
        except (
            OSError,
            SyntaxError,
            ValueError,
            TypeError,
            IndexError,
            EOFError,
            struct.error,
        ) as error:
            raise ValidationError(UNREADABLE, code="invalid_image") from error


class ImageForm(BaseImageForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if type(field) is WagtailImageField:  # the form's own copy: safe to specialise
            field.__class__ = ReadableImageField
