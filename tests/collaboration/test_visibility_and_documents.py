"""Per-entry visibility on the timeline and on documents, in the page, the download and the
search; documents are sniffed, size-limited, stored privately and served as attachments."""

from __future__ import annotations

import datetime
import os

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collaboration.models import CaseDocument, FamilyMember
from collaboration.services import documents, timeline
from collaboration.services.documents import MAX_DOCUMENT_BYTES
from tests.factories.legal_bases import standing_basis

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Tijdelijk huisverbod (alleen justitie)"


def _justice_only(world) -> None:
    timeline.timeline_entry_add(
        actor=world.police_partner,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        kind="prosecutor",
        occurred_on=datetime.date.today(),
        title=SECRET_TITLE,
        visibility="audience",
        sectors=["justice", "police"],
    )
    timeline.timeline_entry_add(
        actor=world.caw_partner,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        kind="crisis",
        occurred_on=datetime.date.today(),
        title="Start crisisbegeleiding",
    )


def test_restricted_entry_visible_only_to_audience_author_and_director(
    world, verified_client
) -> None:
    _justice_only(world)
    url = reverse("collaboration:case_detail", args=[world.case.reference])
    seen = {
        who: SECRET_TITLE in verified_client(getattr(world, who)).get(url).content.decode()
        for who in ("police_partner", "director", "caw_partner", "coordinator", "referrer")
    }
    assert seen == {
        "police_partner": True,
        "director": True,
        "caw_partner": False,
        "coordinator": False,
        "referrer": False,
    }
    assert "Start crisisbegeleiding" in verified_client(world.caw_partner).get(url).content.decode()


def test_audience_by_organisation(world, verified_client) -> None:
    timeline.timeline_entry_add(
        actor=world.director,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        kind="note",
        occurred_on=datetime.date.today(),
        title="Alleen voor het CAW",
        visibility="audience",
        organisation_ids=[world.caw.pk],
    )
    url = reverse("collaboration:case_detail", args=[world.case.reference])
    assert "Alleen voor het CAW" in verified_client(world.caw_partner).get(url).content.decode()
    assert (
        "Alleen voor het CAW" not in verified_client(world.police_partner).get(url).content.decode()
    )


def test_restricted_entry_needs_an_audience_and_valid_input(world) -> None:
    for bad in (
        {"visibility": "audience"},
        {"visibility": "audience", "sectors": ["mafia"]},
        {"visibility": "secret"},
        {"kind": "phase"},
        {"occurred_on": datetime.date.today() + datetime.timedelta(days=2)},
        {"title": ""},
    ):
        data = {
            "kind": "note",
            "occurred_on": datetime.date.today(),
            "title": "Titel",
            **bad,
        }
        with pytest.raises(ValidationError):
            timeline.timeline_entry_add(
                actor=world.caw_partner,
                case=world.case,
                legal_basis_id=standing_basis(world.case),
                **data,
            )
    assert not world.case.timeline.exclude(kind="phase").exists()


def _pdf(
    name: str = "verslag.pdf", body: bytes = b"%PDF-1.4\n fictief verslag"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_document_download_respects_visibility_and_headers(world, verified_client) -> None:
    document = documents.document_upload(
        actor=world.police_partner,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        title="Pv (fictief)",
        upload=_pdf(),
        visibility="audience",
        sectors=["police", "justice"],
    )
    # stored outside MEDIA_ROOT, under a random name
    path = document.file.path
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert "verslag" not in os.path.basename(path)
    url = reverse("collaboration:document_download", args=[world.case.reference, document.pk])
    response = verified_client(world.police_partner).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert verified_client(world.caw_partner).get(url).status_code == 404
    assert verified_client(world.outsider_member).get(url).status_code == 404
    page = verified_client(world.caw_partner).get(
        reverse("collaboration:case_detail", args=[world.case.reference])
    )
    assert "Pv (fictief)" not in page.content.decode()


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("script.html", b"<script>alert(1)</script>"),
        ("nep.pdf", b"<html>geen pdf</html>"),
        ("foto.png", b"%PDF-1.4 is geen png"),
        ("leeg.pdf", b""),
        ("binair.txt", b"abc\x00def"),
        ("groot.pdf", b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES),
    ],
)
def test_document_upload_rejections(world, name, body) -> None:
    with pytest.raises(ValidationError):
        documents.document_upload(
            actor=world.caw_partner,
            case=world.case,
            legal_basis_id=standing_basis(world.case),
            title="x",
            upload=SimpleUploadedFile(name, body),
        )
    assert not CaseDocument.objects.exists()


def test_upload_view_shows_dutch_error_summary(world, verified_client) -> None:
    client = verified_client(world.caw_partner)
    url = reverse("collaboration:document_upload", args=[world.case.reference])
    response = client.post(
        url,
        {"title": "x", "visibility": "all", "file": SimpleUploadedFile("x.pdf", b"geen pdf")},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Er is een probleem" in body
    assert "past niet bij het bestandstype" in body
    assert not CaseDocument.objects.exists()


def test_search_finds_only_visible_cases(world, verified_client) -> None:
    FamilyMember.objects.create(case=world.case, name="Yara Zoektest", family_role="child")
    url = reverse("collaboration:case_list") + "?q=Zoektest"
    assert world.case.reference in verified_client(world.caw_partner).get(url).content.decode()
    assert (
        world.case.reference not in verified_client(world.outsider_member).get(url).content.decode()
    )
    assert world.case.reference not in verified_client(world.privacy).get(url).content.decode()


def test_coordinator_can_filter_to_own_cases(world, verified_client) -> None:
    client = verified_client(world.coordinator)
    url = reverse("collaboration:case_list")
    assert world.case.reference in client.get(url).content.decode()
    assert world.case.reference not in client.get(url + "?mijn=on").content.decode()
    director = verified_client(world.director)
    assert world.case.reference in director.get(url + "?mijn=on&fase=exploration").content.decode()
    assert world.case.reference not in director.get(url + "?fase=closed").content.decode()


def test_documents_go_to_the_configured_private_root(world, settings, tmp_path) -> None:
    settings.CASE_DOCUMENTS_ROOT = str(tmp_path / "elders")
    document = documents.document_upload(
        actor=world.caw_partner,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        title="x",
        upload=_pdf(),
    )
    assert document.file.path.startswith(str(tmp_path / "elders"))
