"""Retention as a routine: a periodic task proposes per region, a privacy officer of that region
confirms in the audit area, the run applies and records its counts. Nobody else sees or
confirms a run; nothing is anonymised without the confirmation."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from collaboration.models import (
    Case,
    FamilyMember,
    Membership,
    Notification,
    RetentionRun,
    RetentionRunStatus,
    Role,
)
from collaboration.services.retention import REDACTED
from collaboration.tasks import propose_retention_runs
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent

NAME = "Fictief Kind Pompoenstra"


def _closed_case(world: Any, reference: str, years_ago: float, region: str = "") -> Case:
    case = Case.objects.create(
        reference=reference,
        region=region or "oost-vlaanderen",
        case_director=world.director,
        phase="closed",
        closing_summary="Afgerond (fictief).",
    )
    FamilyMember.objects.create(case=case, name=NAME, birth_year=2014, family_role="child")
    Case.objects.filter(pk=case.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=round(365.25 * years_ago))
    )
    return case


def _officer_elsewhere(world: Any, make_user: Any) -> Any:
    user = make_user(email="privacy-limburg@test.example", full_name="Lien Limburg")
    Membership.objects.create(user=user, organisation=world.other_caw, role=Role.PRIVACY_OFFICER)
    return user


@pytest.mark.django_db
def test_the_periodic_task_proposes_per_region_once_and_notifies_the_officers(
    world: Any,
) -> None:
    old = _closed_case(world, "VH-OVL-2019-0101", 6)
    _closed_case(world, "VH-OVL-2023-0102", 2)
    _closed_case(world, "VH-LIM-2019-0103", 7, region="limburg")

    result = propose_retention_runs.enqueue().return_value
    assert len(result["proposed"]) == 2
    assert propose_retention_runs.enqueue().return_value == {"proposed": []}  # idempotent
    run = RetentionRun.objects.get(region="oost-vlaanderen", status=RetentionRunStatus.PROPOSED)
    assert run.cases == [old.reference]
    assert run.due_counts["collaboration.FamilyMember"] == 1
    # Proposing changes nothing.
    assert FamilyMember.objects.filter(case=old, name=NAME).exists()
    notice = Notification.objects.get(user=world.privacy, kind="retention_due")
    assert notice.link == reverse("audit:retention_detail", args=[run.pk])
    assert not Notification.objects.filter(user=world.coordinator, kind="retention_due").exists()
    assert AuditEvent.objects.filter(action=AuditAction.RETENTION_PROPOSED).count() == 2

    # Something else falls due: the open proposal is replaced, not duplicated.
    _closed_case(world, "VH-OVL-2018-0104", 8)
    propose_retention_runs.enqueue()
    run.refresh_from_db()
    assert run.status == RetentionRunStatus.SUPERSEDED
    new = RetentionRun.objects.get(region="oost-vlaanderen", status=RetentionRunStatus.PROPOSED)
    assert new.cases == ["VH-OVL-2018-0104", "VH-OVL-2019-0101"]


@pytest.mark.django_db
def test_a_privacy_officer_of_the_region_confirms_and_the_result_is_recorded(
    world: Any, verified_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    old = _closed_case(world, "VH-OVL-2019-0201", 6)
    propose_retention_runs.enqueue()
    run = RetentionRun.objects.get(status=RetentionRunStatus.PROPOSED)
    client = verified_client(world.privacy)

    page = client.get(reverse("audit:retention_list"))
    assert page.status_code == 200
    assert "Voorstellen die op bevestiging wachten" in page.content.decode()
    detail = client.get(reverse("audit:retention_detail", args=[run.pk]))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert old.reference in body and "Gezinsleden: naam" in body
    assert NAME not in body

    # Without ticking the box nothing happens.
    refused = client.post(reverse("audit:retention_detail", args=[run.pk]), {})
    assert refused.status_code == 400
    assert "Vink aan dat u het voorstel hebt nagekeken." in refused.content.decode()
    run.refresh_from_db()
    assert run.status == RetentionRunStatus.PROPOSED

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("audit:retention_detail", args=[run.pk]), {"confirm": "on"})
    assert done.status_code == 302
    run.refresh_from_db()
    assert run.status == RetentionRunStatus.DONE and run.confirmed_by == world.privacy
    assert FamilyMember.objects.get(case=old).name == REDACTED
    confirmed = AuditEvent.objects.get(action=AuditAction.RETENTION_CONFIRMED)
    assert confirmed.actor == world.privacy and confirmed.object_id == str(run.pk)
    applied = AuditEvent.objects.get(action=AuditAction.RETENTION_APPLIED)
    assert applied.extra["rows"]["collaboration.FamilyMember"] == 1
    assert applied.extra["confirmed_by"] == world.privacy.pk
    result = client.get(reverse("audit:retention_detail", args=[run.pk])).content.decode()
    assert "Resultaat" in result and "Bevestigen en anonimiseren" not in result

    # Confirmed once: a second confirmation is refused.
    again = client.post(reverse("audit:retention_detail", args=[run.pk]), {"confirm": "on"})
    assert again.status_code == 400
    assert "Dit voorstel is niet meer open." in again.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "director", "caw_partner", "elsewhere"])
def test_nobody_else_sees_or_confirms_a_run(
    world: Any,
    who: str,
    make_user: Any,
    verified_client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    old = _closed_case(world, "VH-OVL-2019-0301", 6)
    propose_retention_runs.enqueue()
    run = RetentionRun.objects.get(status=RetentionRunStatus.PROPOSED)
    user = _officer_elsewhere(world, make_user) if who == "elsewhere" else getattr(world, who)
    client = verified_client(user)
    detail = reverse("audit:retention_detail", args=[run.pk])
    assert client.get(detail).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(detail, {"confirm": "on"}).status_code == 404
    if who != "elsewhere":
        assert client.get(reverse("audit:retention_list")).status_code == 404
    else:  # an officer of another region sees the page, without this run
        assert detail not in client.get(reverse("audit:retention_list")).content.decode()
    run.refresh_from_db()
    assert run.status == RetentionRunStatus.PROPOSED
    assert FamilyMember.objects.get(case=old).name == NAME
    assert AuditEvent.objects.filter(actor=user, outcome=Outcome.DENIED).exists()


@pytest.mark.django_db
def test_a_case_reopened_after_the_proposal_is_left_alone(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from collaboration.services.retention_runs import retention_run_confirm

    reopened = _closed_case(world, "VH-OVL-2019-0401", 6)
    still_closed = _closed_case(world, "VH-OVL-2019-0402", 6)
    propose_retention_runs.enqueue()
    run = RetentionRun.objects.get(status=RetentionRunStatus.PROPOSED)
    Case.objects.filter(pk=reopened.pk).update(closed_at=None, phase="execution")
    with django_capture_on_commit_callbacks(execute=True):
        retention_run_confirm(actor=world.privacy, run_id=run.pk)
    run.refresh_from_db()
    assert run.result_cases == [still_closed.reference]
    assert FamilyMember.objects.get(case=reopened).name == NAME
    assert FamilyMember.objects.get(case=still_closed).name == REDACTED


@pytest.mark.django_db
def test_the_command_reports_and_proposes_but_never_applies(world: Any) -> None:
    old = _closed_case(world, "VH-OVL-2019-0501", 6)
    out = io.StringIO()
    call_command("anonymise_closed_cases", stdout=out)
    assert "Would anonymise 1 case(s): VH-OVL-2019-0501" in out.getvalue()
    assert "collaboration.FamilyMember: 1 row(s)" in out.getvalue()
    call_command("anonymise_closed_cases", "--propose", stdout=out)
    assert RetentionRun.objects.filter(status=RetentionRunStatus.PROPOSED).count() == 1
    assert FamilyMember.objects.get(case=old).name == NAME
