"""Retention as a scheduled, confirmed routine.

1. A periodic task (``collaboration.tasks.propose_retention_runs``) computes, per region, what is
   past its period and records it as a proposal (``RetentionRun``, status proposed), with the
   counts per model a dry run gives. The privacy officers of the region are notified.
2. A privacy officer of that region confirms it in the audit area.
3. A task (``collaboration.tasks.apply_retention_run``) anonymises exactly what the proposal
   listed and is still due (a case reopened since is left alone), and records the result
   (counts per model, no content) in the run and in the audit trail.

Who is a privacy officer of a region is the portal's one membership rule
(``collaboration.access.actor_profile``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction, Outcome
from portal.audit.writer import record_event

from ..access import NotFoundOrNotAllowed, actor_profile
from ..models import Membership, Notification, Region, RetentionRun, RetentionRunStatus, Role
from . import retention
from .notifications import notify


def _due_in(region: str, now: dt.datetime) -> tuple[list[str], list[int], list[int]]:
    cases = sorted(
        retention.cases_due(now).filter(region=region).values_list("reference", flat=True)
    )
    referrals = sorted(
        retention.declined_referrals_due(now).filter(region=region).values_list("pk", flat=True)
    )
    consults = sorted(
        set(retention.consults_due(now).filter(region=region).values_list("pk", flat=True))
    )
    return cases, referrals, consults


def _privacy_officers(region: str) -> list[Any]:
    memberships = Membership.objects.filter(
        role=Role.PRIVACY_OFFICER,
        is_active=True,
        organisation__is_active=True,
        organisation__region=region,
        user__is_active=True,
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships}.values())


def retention_runs_propose(*, now: dt.datetime | None = None) -> list[RetentionRun]:
    """Record one proposal per region with anything due; returns the new proposals.

    Idempotent: an open proposal that lists exactly what is due stays as it is; one that no
    longer matches (a case reopened, another one due) is superseded by a new one.
    """
    now = now or timezone.now()
    created: list[RetentionRun] = []
    for region in Region.values:
        cases, referrals, consults = _due_in(region, now)
        with transaction.atomic():
            open_run = (
                RetentionRun.objects.select_for_update()
                .filter(region=region, status=RetentionRunStatus.PROPOSED)
                .first()
            )
            if open_run is not None:
                if (open_run.cases, open_run.referrals, open_run.consults) == (
                    cases,
                    referrals,
                    consults,
                ):
                    continue
                open_run.status = RetentionRunStatus.SUPERSEDED
                open_run.save(update_fields=["status"])
            if not (cases or referrals or consults):
                continue
            report = retention.anonymise_due(
                dry_run=True,
                now=now,
                region=region,
                case_references=cases,
                referral_ids=referrals,
                consult_ids=consults,
            )
            run = RetentionRun.objects.create(
                region=region,
                proposed_at=now,
                case_cutoff=retention.case_cutoff(now),
                consult_cutoff=retention.consult_cutoff(now),
                cases=cases,
                referrals=referrals,
                consults=consults,
                due_counts=report.rows,
            )
            record_event(
                action=AuditAction.RETENTION_PROPOSED,
                object_type="retention_run",
                object_id=run.pk,
                purpose="bewaartermijn verstreken",
                extra={
                    "region": region,
                    "cases": len(cases),
                    "referrals": len(referrals),
                    "consults": len(consults),
                    "superseded": open_run.pk if open_run is not None else None,
                },
            )
            link = reverse("audit:retention_detail", args=[run.pk])
            for officer in _privacy_officers(region):
                notify(user=officer, kind=Notification.Kind.RETENTION_DUE, link=link)
            created.append(run)
    return created


def runs_for(user: Any) -> Any:
    """The runs of the regions where ``user`` is a privacy officer (none for anyone else)."""
    regions = actor_profile(user).privacy_regions
    return RetentionRun.objects.filter(region__in=regions).select_related("confirmed_by")


def runs_page_for(user: Any, *, earlier: int = 20) -> tuple[list[RetentionRun], list[RetentionRun]]:
    """The retention page's runs for ``user``: every run still waiting for confirmation, and
    the ``earlier`` most recent others (``runs_for``'s order)."""
    runs = runs_for(user)
    open_runs = list(runs.filter(status=RetentionRunStatus.PROPOSED))
    return open_runs, list(runs.exclude(status=RetentionRunStatus.PROPOSED)[:earlier])


def run_for(*, user: Any, run_id: int, action: AuditAction = AuditAction.AUDIT_VIEWED) -> Any:
    """One run, for a privacy officer of its region; else "not found", recorded."""
    run = runs_for(user).filter(pk=run_id).first()
    if run is None:
        record_event(
            action=action,
            actor=user,
            outcome=Outcome.DENIED,
            object_type="retention_run",
            object_id=run_id,
        )
        raise NotFoundOrNotAllowed
    return run


def retention_run_confirm(*, actor: Any, run_id: int) -> RetentionRun:
    """A privacy officer of the run's region confirms; the run is applied after commit."""
    from ..tasks import apply_retention_run

    profile = actor_profile(actor)
    # Outside the transaction, so that a refusal stays recorded.
    run = run_for(user=actor, run_id=run_id, action=AuditAction.RETENTION_CONFIRMED)
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RetentionRunStatus.PROPOSED:
            raise ValidationError(_("Dit voorstel is niet meer open."))
        run.status = RetentionRunStatus.CONFIRMED
        run.confirmed_by = actor
        run.confirmed_at = timezone.now()
        run.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        record_event(
            action=AuditAction.RETENTION_CONFIRMED,
            actor=actor,
            organisation=profile.label[:200],
            role=Role.PRIVACY_OFFICER,
            object_type="retention_run",
            object_id=run.pk,
            purpose="bewaartermijn verstreken",
            extra={"region": run.region, "cases": len(run.cases), "rows": run.due_counts},
        )
        run_id = run.pk
        transaction.on_commit(lambda: apply_retention_run.enqueue(run_id=run_id))
    return run


def retention_run_apply(*, run_id: int) -> RetentionRun:
    """Anonymise what a confirmed run lists and is still due; record the result.

    Idempotent: a run that is not (or no longer) confirmed is returned unchanged, so a task
    requeued after a crash does nothing twice; each case is its own transaction and an
    anonymised case is no longer due.
    """
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run_id)
        if run.status != RetentionRunStatus.CONFIRMED:
            return run
    try:
        report = retention.anonymise_due(
            dry_run=False,
            region=run.region,
            case_references=list(run.cases),
            referral_ids=list(run.referrals),
            consult_ids=list(run.consults),
        )
    except Exception:
        RetentionRun.objects.filter(pk=run.pk).update(
            status=RetentionRunStatus.FAILED, finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        run.status = RetentionRunStatus.DONE
        run.finished_at = timezone.now()
        run.result_counts = report.rows
        run.result_cases = report.cases
        run.files_deleted = report.files
        run.save(
            update_fields=[
                "status",
                "finished_at",
                "result_counts",
                "result_cases",
                "files_deleted",
            ]
        )
        record_event(
            action=AuditAction.RETENTION_APPLIED,
            object_type="retention_run",
            object_id=run.pk,
            purpose="bewaartermijn verstreken",
            extra={
                "region": run.region,
                "confirmed_by": run.confirmed_by_id,
                "cases": report.cases,
                "referrals": report.referrals,
                "consults": report.consults,
                "rows": report.rows,
                "files": report.files,
            },
        )
    return run
