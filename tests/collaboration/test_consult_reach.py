"""Consults that reach someone (issue 15 item 7): routed to the region's coordinators with a
notification, escalated after two working days, regions without coordinators refused, the
answer delivered through a signed expiring link, a converted consult keeps the asker."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from collaboration.models import ConsultRequest, ConsultStatus, Notification, Region
from collaboration.services.consults import (
    answer_token,
    consult_request_answer,
    consult_request_submit,
    consults_escalate,
    regions_with_coordinators,
)
from collaboration.services.referrals import referral_submit
from content.forms import ConsultRequestForm
from tests.consult_coordinators import make_region_coordinator
from tests.factories.cases import referral_data

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
QUESTION = "Een leerling vertelt over slaan thuis. Hoe pak ik dit aan?"
ANSWER = "Bespreek het met de zorgcoördinator en bel ons terug voor een overleg."


def _submit(**overrides: Any) -> ConsultRequest:
    data = {
        "name": "Fictieve Leerkracht",
        "organisation": "Fictieve School",
        "email": "leerkracht@school.example",
        "phone": "",
        "region": Region.OOST_VLAANDEREN,
        "question": QUESTION,
    }
    data.update(overrides)
    return consult_request_submit(**data)


def _kinds(user: Any) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def test_question_is_routed_to_the_regions_coordinators_only(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    limburg = make_region_coordinator(Region.LIMBURG)
    with django_capture_on_commit_callbacks(execute=True):
        consult = _submit()
    [notice] = Notification.objects.filter(user=world.coordinator, kind="new_consult")
    assert notice.link == reverse("collaboration:consult_detail", args=[consult.pk])
    assert _kinds(limburg) == []
    assert "new_consult" not in _kinds(world.director)  # directors are not coordinators
    to_coordinator = [m for m in mail.outbox if m.to == [world.coordinator.email]]
    assert len(to_coordinator) == 1
    assert "slaan" not in to_coordinator[0].subject + to_coordinator[0].body
    # a Limburg question reaches the Limburg coordinator
    _submit(region=Region.LIMBURG)
    assert _kinds(limburg) == ["new_consult"]


def test_region_without_coordinators_is_refused_and_not_offered(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert regions_with_coordinators() == {Region.OOST_VLAANDEREN}
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        _submit(region=Region.LIMBURG)
    assert "geen consultvragen ontvangen" in error.value.message_dict["region"][0]
    assert ConsultRequest.objects.count() == 0
    assert mail.outbox == []
    # the public form offers only regions with coordinators
    offered = [value for value, _label in ConsultRequestForm().fields["region"].choices if value]
    assert offered == [Region.OOST_VLAANDEREN]
    # a crafted POST for Limburg gets a Dutch field error and keeps what was typed
    form = ConsultRequestForm(data={"region": Region.LIMBURG, "question": QUESTION})
    assert not form.is_valid()
    assert "geen consultvragen ontvangen" in form.errors["region"][0]
    assert form["question"].value() == QUESTION
    # an inactive coordinator's region is not offered either
    world.coordinator.is_active = False
    world.coordinator.save(update_fields=["is_active"])
    assert regions_with_coordinators() == set()


def test_escalates_on_the_second_working_day_friday_to_tuesday(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any, verified_client: Any
) -> None:
    settings.CONSULT_ESCALATION_EMAIL = "centraal@veilighuis.example"
    limburg = make_region_coordinator(Region.LIMBURG)
    with time_machine.travel(_at(2026, 11, 27, 16), tick=False):  # a Friday
        consult = _submit()
        answered = _submit(email="ander@school.example")
        consult_request_answer(actor=world.coordinator, consult=answered, answer=ANSWER)
    mail.outbox.clear()
    # Monday 23:30 Brussels (22:30 UTC): one working day has passed, nothing happens
    with django_capture_on_commit_callbacks(execute=True):
        assert consults_escalate(now=_at(2026, 11, 30, 23, 30)) == []
    assert "consult_overdue" not in _kinds(world.coordinator)
    # Tuesday 00:30 Brussels (Monday 23:30 UTC): the second working day, it escalates
    with django_capture_on_commit_callbacks(execute=True):
        escalated = consults_escalate(now=_at(2026, 12, 1, 0, 30))
    assert [c.pk for c in escalated] == [consult.pk]
    assert _kinds(world.coordinator).count("consult_overdue") == 1
    assert _kinds(limburg) == []  # with a central mailbox, other regions are not bothered
    [central] = [m for m in mail.outbox if m.to == ["centraal@veilighuis.example"]]
    assert "slaan" not in central.subject + central.body
    consult.refresh_from_db()
    assert consult.escalated_at is not None
    inbox = verified_client(world.coordinator).get(reverse("collaboration:consult_inbox"))
    assert inbox.content.decode().count("wacht al twee werkdagen") == 1
    # once only
    with django_capture_on_commit_callbacks(execute=True):
        assert consults_escalate(now=_at(2026, 12, 2, 9)) == []
    assert _kinds(world.coordinator).count("consult_overdue") == 1


def test_escalation_without_central_mailbox_tells_every_coordinator(
    world: Any, settings: Any
) -> None:
    settings.CONSULT_ESCALATION_EMAIL = ""
    limburg = make_region_coordinator(Region.LIMBURG)
    with time_machine.travel(_at(2026, 12, 2, 9), tick=False):  # a Wednesday
        _submit()
    assert consults_escalate(now=_at(2026, 12, 3, 23, 59)) == []  # Thursday: one day
    assert len(consults_escalate(now=_at(2026, 12, 4, 0, 0))) == 1  # Friday: two
    assert "consult_overdue" in _kinds(world.coordinator)
    assert "consult_overdue" in _kinds(limburg)


def test_escalation_is_a_registered_periodic_task() -> None:
    from collaboration import tasks

    assert "collaboration.tasks.escalate_unanswered_consults" in settings.PERIODIC_TASKS
    assert callable(tasks.escalate_unanswered_consults.func)


def _link_path(body: str) -> str:
    [line] = [line for line in body.splitlines() if "/consultvraag/antwoord/" in line]
    return line[line.index("/consultvraag/antwoord/") :].strip()


def test_answer_reaches_the_asker_through_a_signed_expiring_link(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    start = _at(2026, 12, 2, 10)
    with time_machine.travel(start, tick=False):
        consult = _submit()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            consult_request_answer(actor=world.coordinator, consult=consult, answer=ANSWER)
    [message] = mail.outbox
    assert message.to == ["leerkracht@school.example"]
    assert "zorgcoördinator" not in message.subject + message.body  # no content in the mail
    assert "slaan" not in message.subject + message.body
    path = _link_path(message.body)
    client = Client()
    with time_machine.travel(start + dt.timedelta(days=29), tick=False):
        page = client.get(path)
        assert page.status_code == 200
        assert ANSWER in page.content.decode()
        assert page["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-cache" in page["Cache-Control"] or "no-store" in page["Cache-Control"]
        # tampered: another consult's number, or a changed signature
        token = path.rstrip("/").rsplit("/", 1)[1]
        assert client.get(path.replace(token, token[:-2] + "xx")).status_code == 404
        other = ConsultRequest.objects.create(
            name="X",
            organisation="Y",
            email="x@y.example",
            region=Region.OOST_VLAANDEREN,
            question="?",
        )
        forged = signing.dumps({"consult": consult.pk}, salt="a-guessed-salt")
        assert client.get(reverse("content:consult_answer", args=[forged])).status_code == 404
        # an unanswered consult has no answer page, even with a valid signature
        unanswered = reverse("content:consult_answer", args=[answer_token(other)])
        assert client.get(unanswered).status_code == 404
    with time_machine.travel(start + dt.timedelta(days=31), tick=False):
        assert client.get(path).status_code == 404  # expired


def test_converted_consult_keeps_the_asker_as_referrer(world: Any) -> None:
    # the asker has a portal account: the CLB's professional, who named her service
    consult = _submit(email=world.referrer.email.upper(), organisation="CLB Test")
    referral = referral_submit(actor=world.coordinator, consult=consult, **referral_data(world.vh))
    assert referral.referrer == world.referrer
    assert referral.referring_organisation == world.clb
    assert referral.consult == consult
    consult.refresh_from_db()
    assert consult.status == ConsultStatus.CONVERTED


def test_converted_consult_from_someone_without_an_account(world: Any) -> None:
    consult = _submit()
    referral = referral_submit(actor=world.coordinator, consult=consult, **referral_data(world.vh))
    # no account to name: the coordinator refers on their behalf; the asker stays on the consult
    assert referral.referrer == world.coordinator
    assert referral.consult.email == "leerkracht@school.example"


def test_answer_page_by_actor_the_token_decides(world: Any, verified_client: Any) -> None:
    """The public answer route in the access matrix's terms: whoever holds a valid link reads
    the answer; without one, every actor (signed out, partner, other region, the region's own
    coordinator) gets "not found" and nothing of the answer."""
    consult = _submit()
    consult_request_answer(actor=world.coordinator, consult=consult, answer=ANSWER)
    other_region = make_region_coordinator(Region.LIMBURG)
    clients = {
        "anonymous": Client(),
        "partner": verified_client(world.caw_partner),
        "other_region_coordinator": verified_client(other_region),
        "coordinator": verified_client(world.coordinator),
    }
    good = reverse("content:consult_answer", args=[answer_token(consult)])
    bad = reverse("content:consult_answer", args=[answer_token(consult)[:-3] + "abc"])
    for actor, client in clients.items():
        assert client.get(good).status_code == 200, actor
        refused = client.get(bad)
        assert refused.status_code == 404, actor
        assert ANSWER not in refused.content.decode(), actor
