"""Retracting a timeline entry or a document (issue 15 item 1): by its author, the case director
or a coordinator of the region, with a reason. The content leaves every page at once (the
document is no longer served); those who saw the item read who retracted it, when and why.
Anyone else gets the same 404 as for an item that does not exist."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import CaseDocument, TimelineEntry
from collaboration.services import documents, timeline
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from tests.factories.legal_bases import standing_basis

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Huisverbod tegen Zora Fictiefnaam"
SECRET_BODY = "Adres van de opvang: Fictieve Straat 12"
DOCUMENT_TITLE = "Verslag van het verhoor van Zora Fictiefnaam"
REASON = "Gedeeld met het verkeerde publiek"
PEOPLE = ("director", "coordinator", "caw_partner", "police_partner", "outsider_member")


def _entry(world: Any, author: Any, **kwargs: Any) -> TimelineEntry:
    return timeline.timeline_entry_add(
        actor=author,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        kind="prosecutor",
        occurred_on=datetime.date.today(),
        title=SECRET_TITLE,
        body=SECRET_BODY,
        **kwargs,
    )


def _document(world: Any, author: Any) -> CaseDocument:
    return documents.document_upload(
        actor=author,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        title=DOCUMENT_TITLE,
        upload=SimpleUploadedFile(
            "verhoor.pdf", b"%PDF-1.4 fictief", content_type="application/pdf"
        ),
    )


def _clients(world: Any, verified_client: Any) -> dict[str, Client]:
    return {who: verified_client(getattr(world, who)) for who in PEOPLE}


def _page(client: Client, world: Any) -> str:
    response = client.get(reverse("collaboration:case_detail", args=[world.case.reference]))
    return response.content.decode() if response.status_code == 200 else ""


def _not_found_body(client: Client) -> bytes:
    return client.get(reverse("collaboration:case_detail", args=["VH-OVL-1999-9999"])).content


# --- timeline entries ---------------------------------------------------------------------


def test_author_retracts_a_restricted_entry_and_its_content_leaves_every_page(
    world: Any, verified_client: Any
) -> None:
    entry = _entry(world, world.police_partner, visibility="audience", sectors=["police"])
    clients = _clients(world, verified_client)
    assert SECRET_TITLE in _page(clients["police_partner"], world)
    assert SECRET_TITLE in _page(clients["director"], world)
    url = reverse("collaboration:timeline_retract", args=[world.case.reference, entry.pk])
    form = clients["police_partner"].get(url)
    assert form.status_code == 200
    response = clients["police_partner"].post(url, {"reason": REASON})
    assert response.status_code == 302

    entry.refresh_from_db()
    assert entry.is_retracted
    assert entry.retracted_by == world.police_partner
    assert entry.retraction_reason == REASON
    for who, client in clients.items():
        html = _page(client, world)
        assert SECRET_TITLE not in html, who
        assert SECRET_BODY not in html, who
        # those who saw it (author, director) read the retraction; the others never saw it
        saw_it = who in ("police_partner", "director")
        assert (REASON in html) is saw_it, who
        assert ("Ingetrokken op" in html) is saw_it, who
        assert ("Paul Politie:" in html) is saw_it, who
    event = AuditEvent.objects.get(action=AuditAction.TIMELINE_ENTRY_RETRACTED)
    assert event.outcome == Outcome.ALLOWED
    assert event.actor == world.police_partner
    assert event.object_id == str(entry.pk)
    assert event.case_reference == world.case.reference
    assert REASON not in str(event.extra) and SECRET_TITLE not in str(event.extra)
    # retracted once is retracted: the form is gone
    assert clients["police_partner"].get(url).status_code == 404


def test_director_and_coordinator_retract_an_entry_of_someone_else(world: Any) -> None:
    first = _entry(world, world.caw_partner)
    second = _entry(world, world.caw_partner)
    timeline.timeline_entry_retract(
        actor=world.director, case=world.case, entry_id=first.pk, reason=REASON
    )
    timeline.timeline_entry_retract(
        actor=world.coordinator, case=world.case, entry_id=second.pk, reason=REASON
    )
    retracted = TimelineEntry.objects.filter(pk__in=[first.pk, second.pk])
    assert {e.retracted_by_id for e in retracted} == {world.director.pk, world.coordinator.pk}


def test_others_cannot_retract_and_get_the_not_found_page(world: Any, verified_client: Any) -> None:
    entry = _entry(world, world.caw_partner)
    restricted = _entry(world, world.police_partner, visibility="audience", sectors=["police"])
    clients = _clients(world, verified_client)
    not_found = _not_found_body(clients["outsider_member"])
    refused = [
        ("police_partner", entry),  # another participant of the case
        ("outsider_member", entry),  # not in the case
        ("coordinator", restricted),  # may retract, but does not see this one
        ("caw_partner", restricted),
    ]
    for who, item in refused:
        url = reverse("collaboration:timeline_retract", args=[world.case.reference, item.pk])
        assert clients[who].get(url).status_code == 404, who
        response = clients[who].post(url, {"reason": REASON})
        assert response.status_code == 404, who
        if who == "outsider_member":
            assert response.content == not_found
        with pytest.raises(NotFoundOrNotAllowed):
            timeline.timeline_entry_retract(
                actor=getattr(world, who), case=world.case, entry_id=item.pk, reason=REASON
            )
    assert not TimelineEntry.objects.filter(retracted_at__isnull=False).exists()
    denied = AuditEvent.objects.filter(outcome=Outcome.DENIED, extra__change="timeline_retract")
    assert denied.count() == len(refused)
    # an entry of another case, or one that does not exist, looks the same
    url = reverse("collaboration:timeline_retract", args=[world.case.reference, 999_999])
    assert clients["director"].get(url).status_code == 404


def test_a_reason_is_required_and_a_phase_entry_stays(world: Any, verified_client: Any) -> None:
    entry = _entry(world, world.caw_partner)
    for blank in ("", "   "):
        with pytest.raises(ValidationError) as error:
            timeline.timeline_entry_retract(
                actor=world.caw_partner, case=world.case, entry_id=entry.pk, reason=blank
            )
        assert "reason" in error.value.message_dict
    url = reverse("collaboration:timeline_retract", args=[world.case.reference, entry.pk])
    response = verified_client(world.caw_partner).post(url, {"reason": ""})
    assert response.status_code == 200
    entry.refresh_from_db()
    assert not entry.is_retracted
    assert not AuditEvent.objects.filter(action=AuditAction.TIMELINE_ENTRY_RETRACTED).exists()

    # as a phase change writes it (collaboration.services.cases)
    phase = TimelineEntry.objects.create(
        case=world.case,
        kind="phase",
        occurred_on=datetime.date.today(),
        title="Naar de uitvoeringsfase",
        author=world.director,
    )
    with pytest.raises(NotFoundOrNotAllowed):
        timeline.timeline_entry_retract(
            actor=world.director, case=world.case, entry_id=phase.pk, reason=REASON
        )
    url = reverse("collaboration:timeline_retract", args=[world.case.reference, phase.pk])
    assert verified_client(world.director).get(url).status_code == 404


# --- narrowing an entry's audience ---------------------------------------------------------


def test_narrowing_takes_effect_at_once_and_is_audited(world: Any, verified_client: Any) -> None:
    entry = _entry(
        world, world.police_partner, visibility="audience", sectors=["police", "welfare"]
    )
    clients = _clients(world, verified_client)
    assert SECRET_TITLE in _page(clients["caw_partner"], world)  # the CAW is a welfare service
    url = reverse("collaboration:timeline_narrow", args=[world.case.reference, entry.pk])
    form = clients["police_partner"].get(url).content.decode()
    # only what sees it now is offered: no justice sector, no widening
    assert 'value="police"' in form and 'value="welfare"' in form
    assert 'value="justice"' not in form
    assert clients["police_partner"].post(url, {"sectors": ["police"]}).status_code == 302

    entry.refresh_from_db()
    assert {a.sector for a in entry.audience.all()} == {"police"}
    seen = {who: SECRET_TITLE in _page(client, world) for who, client in clients.items()}
    assert seen == {
        "director": True,
        "coordinator": False,
        "caw_partner": False,
        "police_partner": True,
        "outsider_member": False,
    }
    event = AuditEvent.objects.get(action=AuditAction.TIMELINE_AUDIENCE_NARROWED)
    assert event.actor == world.police_partner
    assert event.extra["sectors"] == ["police"]


def test_an_entry_for_everyone_narrows_to_one_service(world: Any) -> None:
    entry = _entry(world, world.caw_partner)
    timeline.timeline_entry_narrow(
        actor=world.director, case=world.case, entry_id=entry.pk, organisation_ids=[world.caw.pk]
    )
    entry.refresh_from_db()
    assert entry.visibility == "audience"
    assert [a.organisation_id for a in entry.audience.all()] == [world.caw.pk]


def test_narrowing_cannot_widen_and_needs_a_change(world: Any) -> None:
    entry = _entry(world, world.police_partner, visibility="audience", sectors=["police"])
    attempts: list[dict[str, Any]] = [
        {"sectors": ["police", "justice"]},  # adds a sector
        {"organisation_ids": [world.caw.pk]},  # a service outside the audience
        {"sectors": ["police"]},  # no change
        {},  # nobody at all
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError):
            timeline.timeline_entry_narrow(
                actor=world.police_partner, case=world.case, entry_id=entry.pk, **attempt
            )
    assert {a.sector for a in entry.audience.all()} == {"police"}
    # a police service is within the police sector: that narrows
    timeline.timeline_entry_narrow(
        actor=world.police_partner,
        case=world.case,
        entry_id=entry.pk,
        organisation_ids=[world.police.pk],
    )
    assert [a.organisation_id for a in entry.audience.all()] == [world.police.pk]
    assert (
        not AuditEvent.objects.filter(
            action=AuditAction.TIMELINE_AUDIENCE_NARROWED, outcome=Outcome.ALLOWED
        )
        .exclude(extra__organisations=[world.police.pk])
        .exists()
    )


def test_others_cannot_narrow(world: Any, verified_client: Any) -> None:
    entry = _entry(world, world.caw_partner)
    url = reverse("collaboration:timeline_narrow", args=[world.case.reference, entry.pk])
    for who in ("police_partner", "outsider_member"):
        client = verified_client(getattr(world, who))
        assert client.get(url).status_code == 404, who
        assert client.post(url, {"sectors": ["police"]}).status_code == 404, who
        with pytest.raises(NotFoundOrNotAllowed):
            timeline.timeline_entry_narrow(
                actor=getattr(world, who), case=world.case, entry_id=entry.pk, sectors=["police"]
            )
    entry.refresh_from_db()
    assert entry.visibility == "all"


# --- documents ----------------------------------------------------------------------------


def test_uploader_retracts_a_document_and_nobody_downloads_it(
    world: Any, verified_client: Any
) -> None:
    document = _document(world, world.caw_partner)
    clients = _clients(world, verified_client)
    download = reverse("collaboration:document_download", args=[world.case.reference, document.pk])
    assert clients["director"].get(download).status_code == 200
    url = reverse("collaboration:document_retract", args=[world.case.reference, document.pk])
    assert clients["caw_partner"].post(url, {"reason": REASON}).status_code == 302

    document.refresh_from_db()
    assert document.is_retracted
    for who, client in clients.items():
        assert client.get(download).status_code == 404, who
        html = _page(client, world)
        assert DOCUMENT_TITLE not in html, who
        assert download not in html, who
        assert (REASON in html) is (who != "outsider_member"), who
    event = AuditEvent.objects.get(action=AuditAction.DOCUMENT_RETRACTED)
    assert event.actor == world.caw_partner
    assert event.object_id == str(document.pk)
    assert REASON not in str(event.extra)
    # the refused download is audited as refused
    refused = AuditEvent.objects.filter(
        action=AuditAction.DOCUMENT_DOWNLOADED, outcome=Outcome.DENIED, object_id=str(document.pk)
    )
    assert refused.count() == len(PEOPLE) - 1  # the outsider is refused at the case already


def test_only_uploader_director_and_coordinator_retract_a_document(
    world: Any, verified_client: Any
) -> None:
    document = _document(world, world.caw_partner)
    url = reverse("collaboration:document_retract", args=[world.case.reference, document.pk])
    for who in ("police_partner", "outsider_member"):
        assert verified_client(getattr(world, who)).post(url, {"reason": REASON}).status_code == 404
        with pytest.raises(NotFoundOrNotAllowed):
            documents.document_retract(
                actor=getattr(world, who), case=world.case, document_id=document.pk, reason=REASON
            )
    document.refresh_from_db()
    assert not document.is_retracted
    with pytest.raises(ValidationError):
        documents.document_retract(
            actor=world.coordinator, case=world.case, document_id=document.pk, reason=" "
        )
    documents.document_retract(
        actor=world.coordinator, case=world.case, document_id=document.pk, reason=REASON
    )
    document.refresh_from_db()
    assert document.retracted_by == world.coordinator
    # once retracted, a second retraction finds nothing
    with pytest.raises(NotFoundOrNotAllowed):
        documents.document_retract(
            actor=world.director, case=world.case, document_id=document.pk, reason=REASON
        )
