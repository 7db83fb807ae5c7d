"""Background task of the subject-access workflow (django-tasks), listed in ``PERIODIC_TASKS``."""

from __future__ import annotations

from django_tasks import task

from portal.audit.context import audit_context


@task()
def remind_subject_access_deadlines() -> dict[str, int]:
    """Periodic (daily): e-mail the region's privacy officers about requests whose legal
    deadline is a few days away or past. The mail carries no data about the person."""
    from .services import subject_access_remind

    with audit_context(correlation_id=""):
        return {"reminded": subject_access_remind()}
