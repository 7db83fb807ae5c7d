"""Background tasks of the collaboration side (django-tasks). To run daily, add
``"collaboration.tasks.notify_due_actions": 86400`` to ``PERIODIC_TASKS`` in settings."""

from __future__ import annotations

from django_tasks import task

from .services.notifications import actions_due_notify


@task()
def notify_due_actions() -> dict[str, int]:
    return {"notified": actions_due_notify()}
