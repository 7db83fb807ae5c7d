"""Private storage for case documents: outside MEDIA_ROOT (never served by a static handler or
the web server), read only through the authorised download view.

The location is read from ``CASE_DOCUMENTS_ROOT`` on every use (not once at import), so tests
and deployments that set it later are honoured.

A file is written before the row that refers to it is committed. ``delete_unless_committed``
removes it again when that transaction rolls back; ``collaboration.services.retention.
sweep_orphaned_files`` removes whatever no row refers to after a grace period.
"""

from __future__ import annotations

import logging
import os
import weakref

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction

logger = logging.getLogger(__name__)


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


class _UncommittedFile:
    """A stored file whose row is not committed yet.

    Django has no on-rollback hook, but it drops the on-commit callbacks of a transaction (or
    savepoint) that rolls back. The callback registered here is this object's ``keep``; when
    Django drops it unrun, the object is released and its finalizer deletes the file. One
    exception: Django also drops the remaining callbacks when an earlier one raises *after* the
    commit. Then the connection is still in its after-commit phase, the finalizer leaves the
    file alone, and the orphan sweeper decides later (it keeps files that a row references).
    """

    def __init__(self, storage: Storage, name: str, using: str) -> None:
        self._finalizer = weakref.finalize(self, _delete_if_rolled_back, storage, name, using)

    def keep(self) -> None:
        self._finalizer.detach()


def _delete_if_rolled_back(storage: Storage, name: str, using: str) -> None:
    if getattr(connections[using], "run_commit_hooks_on_set_autocommit_on", False):
        return
    try:
        storage.delete(name)
    except OSError:  # the orphan sweeper removes it later
        logger.exception("Could not delete the file of a rolled-back upload")


def delete_unless_committed(storage: Storage, name: str, using: str | None = None) -> None:
    """Delete the stored file ``name`` unless the current transaction commits.

    Call right after saving the file, inside the transaction that saves the row referring to
    it. Outside a transaction the callback runs at once and the file is kept.
    """
    using = using or DEFAULT_DB_ALIAS
    guard = _UncommittedFile(storage, name, using)
    transaction.on_commit(guard.keep, using=using, robust=True)
