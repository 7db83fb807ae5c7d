"""Tasks left RUNNING by a killed worker are put back in the queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def _result(status: str, started_ago: int | None) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        started_at=None
        if started_ago is None
        else timezone.now() - dt.timedelta(seconds=started_ago),
        args_kwargs={"args": [], "kwargs": {}},
        task_path="portal.audit.tasks.verify_audit_chain",
        backend_name="default",
        run_after=timezone.now(),
    )


@pytest.mark.django_db
def test_orphaned_running_tasks_are_requeued(capsys) -> None:
    orphan = _result(TaskResultStatus.RUNNING, 7200)
    recent = _result(TaskResultStatus.RUNNING, 10)
    done = _result(TaskResultStatus.SUCCESSFUL, 7200)
    call_command("requeue_orphaned_tasks", "--older-than", "3600")
    assert "requeued 1" in capsys.readouterr().out
    orphan.refresh_from_db()
    recent.refresh_from_db()
    done.refresh_from_db()
    assert orphan.status == TaskResultStatus.READY and orphan.started_at is None
    assert recent.status == TaskResultStatus.RUNNING
    assert done.status == TaskResultStatus.SUCCESSFUL
