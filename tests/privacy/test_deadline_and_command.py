"""The legal deadline (one calendar month, Brussels days), its reminder, and the command for
scripted use (a privacy officer of the region only)."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from collaboration.models import SubjectAccessRequest
from collaboration.subject_access.deadlines import one_month_after
from collaboration.subject_access.services import subject_access_register
from collaboration.subject_access.tasks import remind_subject_access_deadlines
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from tests.privacy.family import CHILD, FATHER, MOTHER, POLICE_TITLE, Family

from .helpers import decide, release

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),  # leap year
        (dt.date(2026, 1, 15), dt.date(2026, 2, 15)),
        (dt.date(2026, 3, 31), dt.date(2026, 4, 30)),
        (dt.date(2026, 12, 31), dt.date(2027, 1, 31)),
    ],
)
def test_one_calendar_month(received: dt.date, due: dt.date) -> None:
    assert one_month_after(received) == due


def _register_now(family: Family, **extra: Any) -> SubjectAccessRequest:
    return subject_access_register(
        actor=family.world.privacy,
        requester_name=FATHER,
        requester_relation="self",
        identity_checked_by="Rik Regisseur",
        identity_check="id_card_shown",
        family_member=family.father,
        **extra,
    )


def test_received_today_at_the_edges_of_a_brussels_day(
    family: Family, verified_client: Any
) -> None:
    # 00:30 in Brussels on 31 January is still 30 January in UTC: the day is Brussels' day.
    with time_machine.travel(dt.datetime(2026, 1, 31, 0, 30, tzinfo=BRUSSELS), tick=False):
        sar = _register_now(family)
    assert sar.received_on == dt.date(2026, 1, 31) and sar.deadline == dt.date(2026, 2, 28)
    # 23:30 in Brussels on 31 January 2028 (22:30 UTC): received that day, due on the 29th.
    with time_machine.travel(dt.datetime(2028, 1, 31, 23, 30, tzinfo=BRUSSELS), tick=False):
        leap = _register_now(family)
    assert leap.received_on == dt.date(2028, 1, 31) and leap.deadline == dt.date(2028, 2, 29)
    client = verified_client(family.world.privacy)
    # At 23:30 on the last day it is due today, not late; at 00:30 the next day it is late.
    with time_machine.travel(dt.datetime(2026, 2, 28, 23, 30, tzinfo=BRUSSELS), tick=False):
        page = client.get(reverse("audit:subject_access_detail", args=[sar.pk]))
        assert "28 februari 2026</time> (Vandaag)" in page.content.decode()
    with time_machine.travel(dt.datetime(2026, 3, 1, 0, 30, tzinfo=BRUSSELS), tick=False):
        page = client.get(reverse("audit:subject_access_detail", args=[sar.pk]))
        assert "(1 dagen over tijd)" in page.content.decode()


def test_a_date_of_receipt_in_the_future_is_refused_with_a_dutch_message(
    family: Family, verified_client: Any
) -> None:
    client = verified_client(family.world.privacy)
    response = client.post(
        reverse("audit:subject_access_new"),
        {
            "dossier": family.world.case.reference,
            "member": family.father.pk,
            "requester_name": FATHER,
            "requester_relation": "self",
            "identity_checked_by": "Rik",
            "identity_check": "id_card_shown",
            "received_on": "2999-01-01",
        },
    )
    assert response.status_code == 400
    assert "Deze datum ligt in de toekomst." in response.content.decode()
    bad = client.post(
        reverse("audit:subject_access_new"),
        {"dossier": family.world.case.reference, "member": "x", "received_on": "morgen"},
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Kies het gezinslid." in body and "Vul een geldige datum in." in body
    assert not SubjectAccessRequest.objects.exists()


def test_the_reminder_mails_the_region_s_officers_without_content(
    family: Family, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(dt.datetime(2026, 1, 31, 10, 0, tzinfo=BRUSSELS), tick=False):
        sar = _register_now(family)
    with time_machine.travel(dt.datetime(2026, 2, 20, 9, 0, tzinfo=BRUSSELS), tick=False):
        assert remind_subject_access_deadlines.enqueue().return_value == {"reminded": 0}
    with time_machine.travel(dt.datetime(2026, 2, 24, 9, 0, tzinfo=BRUSSELS), tick=False):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert remind_subject_access_deadlines.enqueue().return_value == {"reminded": 1}
        assert remind_subject_access_deadlines.enqueue().return_value == {"reminded": 0}
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["privacy2@test.example", "privacy@test.example"]  # not Limburg's
    for message in mail.outbox:
        text = message.subject + message.body
        assert "28 februari 2026" in text and f"/audit/inzage/{sar.pk}/" in text
        for content in (FATHER, MOTHER, CHILD, family.world.case.reference, "Pompelmoes"):
            assert content not in text
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.SUBJECT_ACCESS_REMINDED, object_id=str(sar.pk)
        ).count()
        == 1
    )


def test_the_reminder_is_a_periodic_task(settings: Any) -> None:
    from django.utils.module_loading import import_string

    path = "collaboration.subject_access.tasks.remind_subject_access_deadlines"
    assert path in settings.PERIODIC_TASKS
    assert callable(import_string(path).enqueue)


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("subject_access_export", *args, stdout=out)
    return out.getvalue()


def test_the_command_refuses_anyone_but_a_privacy_officer_of_the_region(
    family: Family, tmp_path: Any
) -> None:
    register = [
        "--case",
        family.world.case.reference,
        "--member",
        str(family.father.pk),
        "--requester",
        FATHER,
        "--identity-checked-by",
        "Rik Regisseur",
        "--identity-check",
        "id_card_shown",
    ]
    for email in (
        family.world.director.email,  # active, but no privacy officer
        family.world.coordinator.email,
        family.limburg_officer.email,  # a privacy officer of another region
        "niemand@test.example",
    ):
        with pytest.raises(CommandError, match="Not found, or not allowed"):
            _command("--officer", email, *register)
    assert not SubjectAccessRequest.objects.exists()

    output = _command("--officer", family.world.privacy.email, *register)
    sar = SubjectAccessRequest.objects.get()
    assert f"Request {sar.pk} registered and assembled" in output
    # the three police items and the case consultation covering the police
    assert sar.held_items.count() == 4 and sar.registered_by == family.world.privacy
    # Nothing to write before a second officer released it in the audit area.
    with pytest.raises(CommandError, match="Not found, or not allowed"):
        _command("--officer", family.world.privacy.email, "--request", str(sar.pk))


def test_the_command_writes_a_released_export(
    family: Family, verified_client: Any, tmp_path: Any
) -> None:
    _command(
        "--officer",
        family.world.privacy.email,
        "--case",
        family.world.case.reference,
        "--member",
        str(family.father.pk),
        "--requester",
        FATHER,
        "--identity-checked-by",
        "Rik Regisseur",
        "--identity-check",
        "id_card_shown",
    )
    sar = SubjectAccessRequest.objects.get()
    officer = verified_client(family.world.privacy)
    for item in sar.held_items.all():
        decide(officer, sar, item, "withhold", "Onderzoek")
    assert release(verified_client(family.second_officer), sar).status_code == 302
    with pytest.raises(CommandError):
        _command("--officer", family.limburg_officer.email, "--request", str(sar.pk))
    _command(
        "--officer", family.second_officer.email, "--request", str(sar.pk), "--out", str(tmp_path)
    )
    data = json.loads((tmp_path / f"inzage-{sar.pk}.json").read_text())
    assert data["verzoek"]["Over"] == FATHER
    blob = json.dumps(data, ensure_ascii=False)
    assert MOTHER not in blob and POLICE_TITLE not in blob
    assert (tmp_path / f"inzage-{sar.pk}.pdf").read_bytes().startswith(b"%PDF")
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.SUBJECT_ACCESS_DOWNLOADED, actor=family.second_officer
        ).count()
        == 2
    )
