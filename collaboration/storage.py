"""Private storage for case documents: outside MEDIA_ROOT (never served by a static handler or
the web server), read only through the authorised download view."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def case_document_storage() -> FileSystemStorage:
    location = getattr(settings, "CASE_DOCUMENTS_ROOT", None) or (
        settings.BASE_DIR / "private-media" / "case-documents"
    )
    return FileSystemStorage(location=location, base_url=None)
