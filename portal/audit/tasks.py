"""Background tasks of the audit trail (django-tasks; run by the worker, scheduled by
``manage.py run_scheduler``)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import mail_admins
from django_tasks import task

from .verify import verify_chain

logger = logging.getLogger("portal.audit")


@task()
def verify_audit_chain() -> dict[str, object]:
    """Verify the chain and, where checkpoints are configured, the signed and witnessed
    checkpoints (``audit_verify``'s checks); alert the administrators when anything fails."""
    report = verify_chain()
    if not report.ok:
        message = f"Audit chain broken at record {report.first_broken_id}: {report.reason}."
        logger.critical(message)
        mail_admins("Veilig Huis: audit chain broken", message, fail_silently=True)
    from .final_records import verify_final_records

    problems = [f"{p.kind} {p.object_id}: {p.reason}" for p in verify_final_records()]
    if settings.AUDIT_LOG_VKEY:
        from .transparency.verify import verify_trail

        problems = verify_trail().problems + problems
        if problems:
            logger.critical("Audit trail not intact: %s", " | ".join(problems))
            mail_admins(
                "Veilig Huis: audit trail not intact", "\n".join(problems), fail_silently=True
            )
    return {
        "ok": report.ok and not problems,
        "checked": report.checked,
        "first_broken_id": report.first_broken_id,
        "problems": problems,
    }
