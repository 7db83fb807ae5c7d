"""Background tasks of the audit trail (django-tasks; run by the worker, scheduled by
``manage.py run_scheduler``)."""

from __future__ import annotations

import logging

from django.core.mail import mail_admins
from django_tasks import task

from .verify import verify_chain

logger = logging.getLogger("portal.audit")


@task()
def verify_audit_chain() -> dict[str, object]:
    """Verify the chain and alert the administrators when it is broken."""
    report = verify_chain()
    if not report.ok:
        message = f"Audit chain broken at record {report.first_broken_id}: {report.reason}."
        logger.critical(message)
        mail_admins("Veilig Huis: audit chain broken", message, fail_silently=True)
    return {"ok": report.ok, "checked": report.checked, "first_broken_id": report.first_broken_id}
