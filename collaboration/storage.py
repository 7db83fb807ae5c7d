"""Private storage for case documents: outside MEDIA_ROOT (never served by a static handler or
the web server), read only through the authorised download view.

The location is read from ``CASE_DOCUMENTS_ROOT`` on every use (not once at import), so tests
and deployments that set it later are honoured.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class CaseDocumentStorage(FileSystemStorage):
    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property  # type: ignore[override]
    def base_location(self) -> str:
        configured = getattr(settings, "CASE_DOCUMENTS_ROOT", None)
        return str(configured or settings.BASE_DIR / "private-media" / "case-documents")

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def case_document_storage() -> FileSystemStorage:
    return CaseDocumentStorage()
