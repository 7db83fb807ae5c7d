"""Background tasks of the collaboration side (django-tasks). The periodic ones are listed in
``PERIODIC_TASKS`` in settings and enqueued by ``manage.py run_scheduler``."""

from __future__ import annotations

from django_tasks import task

from portal.audit.context import audit_context

from .services.notifications import actions_due_notify


@task()
def notify_due_actions() -> dict[str, int]:
    return {"notified": actions_due_notify()}


@task()
def propose_retention_runs() -> dict[str, list[int]]:
    """Periodic: record per region what is past its retention period, for a privacy officer to
    confirm in the audit area (nothing is anonymised here)."""
    from .services.retention_runs import retention_runs_propose

    with audit_context(correlation_id=""):
        return {"proposed": [run.pk for run in retention_runs_propose()]}


@task()
def apply_retention_run(run_id: int) -> dict[str, object]:
    """Enqueued when a privacy officer confirms a proposal: anonymise what it lists."""
    from .services.retention_runs import retention_run_apply

    with audit_context(correlation_id=""):
        run = retention_run_apply(run_id=run_id)
        return {"run": run.pk, "status": run.status, "rows": run.result_counts}


@task()
def sweep_orphaned_documents() -> dict[str, int]:
    """Periodic: delete stored document files that no row refers to (after a grace period)."""
    from .services.retention import sweep_orphaned_files

    with audit_context(correlation_id=""):
        return {"removed": len(sweep_orphaned_files())}


@task()
def escalate_unanswered_consults() -> dict[str, int]:
    """Periodic: consult questions unanswered two working days after they came in are told to
    the region's coordinators again and to the central mailbox (services/consults.py)."""
    from .services.consults import consults_escalate

    with audit_context(correlation_id=""):
        return {"escalated": len(consults_escalate())}


@task()
def notify_risk_reviews_due() -> dict[str, int]:
    """Periodic: the case director hears once that a risk assessment is due again
    (services/risk.py)."""
    from .services.risk import risk_reviews_notify

    with audit_context(correlation_id=""):
        return {"notified": risk_reviews_notify()}


@task()
def escalate_undecided_referrals() -> dict[str, int]:
    """Periodic: referrals neither accepted nor declined within REFERRAL_DECISION_WORKING_DAYS
    working days are told, once, to the region's coordinators (services/referrals.py)."""
    from .services.referrals import referrals_escalate

    with audit_context(correlation_id=""):
        return {"escalated": len(referrals_escalate())}
