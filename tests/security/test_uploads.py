"""Uploads under attack, through the real upload forms (HTTP multipart, as a browser sends them).

Case documents: polyglots (an image or PDF header with HTML and script inside), wrong types
behind right extensions and the other way round, oversized files, and file names that try to
climb out of the storage folder or to hide their extension (``../``, ``..\\``, NUL, 1000
characters, the right-to-left override). Each one is refused with a Dutch message and leaves no
file behind, or is stored under a generated name inside the private folder; every download is
an attachment with ``nosniff``, a type from our own table and a sandboxing CSP, whatever the
upload claimed. Public documents and images uploaded by editors (Wagtail) likewise.

What already stands in ``tests/collaboration/test_visibility_and_documents.py`` (service-level
refusals, the headers of one PDF, the private root) is not repeated here.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from collaboration.models import Case, CaseDocument
from collaboration.services.documents import MAX_DOCUMENT_BYTES
from tests.factories.legal_bases import standing_basis

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTML_JS = (
    b"<!doctype html><html><body><script>window.__xss=1;alert(1)</script>"
    b"<img src=x onerror=alert(2)></body></html>"
)
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
GIF_HEAD = b"GIF89a\x01\x00\x01\x00\x80\x00\x00"
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
SAFE_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
}
NOT_ALLOWED = "Dit bestandstype is niet toegelaten"
MISMATCH = "De inhoud van het bestand past niet bij het bestandstype"

# (name, content, the Dutch message) - each must be refused and leave nothing behind
REFUSED = [
    ("polyglot.pdf", GIF_HEAD + HTML_JS, MISMATCH),  # a GIF with HTML inside, called PDF
    ("foto.png", GIF_HEAD + HTML_JS, MISMATCH),
    ("foto.jpg", PNG_HEAD + HTML_JS, MISMATCH),
    ("verslag.pdf", HTML_JS, MISMATCH),  # HTML behind the right extension
    ("programma.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, MISMATCH),  # a Windows program
    ("archief.odt", b"PK\x03\x04" + b"\x00" * 26 + b"mimetypeapplication/zip", MISMATCH),
    ("tekst.txt", "<script>alert(1)</script>".encode("utf-16"), MISMATCH),  # NUL bytes
    ("pagina.html", PDF + HTML_JS, NOT_ALLOWED),  # the right content, the wrong extension
    ("beeld.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", NOT_ALLOWED),
    ("rapport.pdf.exe", PDF, NOT_ALLOWED),
    ("rapport\u202efdp.exe", PDF, NOT_ALLOWED),  # shows as "rapportexe.pdf"
    ("geen-extensie", PDF, NOT_ALLOWED),
    ("../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n", NOT_ALLOWED),
    ("..\\..\\windows\\win.ini", b"[fonts]\n", NOT_ALLOWED),
    ("verslag.pdf\x00.html", HTML_JS, None),  # NUL: refused, whatever part counts
    ("leeg.pdf", b"", "leeg"),
]
# (name, content, stored extension, served type) - accepted, but never under its own name
ACCEPTED = [
    ("../../../../tmp/ontsnapt.pdf", PDF, "pdf", "application/pdf"),
    ("..\\..\\..\\ontsnapt.pdf", PDF, "pdf", "application/pdf"),
    ("/etc/cron.d/ontsnapt.pdf", PDF, "pdf", "application/pdf"),
    ("a" * 1000 + ".pdf", PDF, "pdf", "application/pdf"),
    ("foto\u202egnp.pdf", PDF, "pdf", "application/pdf"),  # shows as "fotofdp.png"
    ("verslag\x00.pdf", PDF, "pdf", "application/pdf"),
    ("verslag.html.pdf", PDF + HTML_JS, "pdf", "application/pdf"),  # a PDF with HTML inside
    ("beeld.png", PNG_HEAD + HTML_JS, "png", "image/png"),
    ("beeld.jpg", JPEG_HEAD + HTML_JS, "jpg", "image/jpeg"),
    ("notities.txt", HTML_JS, "txt", "text/plain"),  # text that is HTML
    ("VERSLAG.PDF", PDF, "pdf", "application/pdf"),
]
GENERATED = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpg|jpeg|txt|docx|odt)$")


def _upload(client: Client, reference: str, name: str, body: bytes, **extra: Any):
    content_type = extra.pop("content_type", "application/octet-stream")
    return client.post(
        reverse("collaboration:document_upload", args=[reference]),
        {
            "title": extra.pop("title", "Bijlage"),
            "visibility": "all",
            "legal_basis": standing_basis(Case.objects.get(reference=reference)),
            "file": SimpleUploadedFile(name, body, content_type=content_type),
        },
    )


def _files(root: Path) -> set[str]:
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def uploader(world: Any, verified_client: Callable[..., Client]) -> tuple[Client, Any]:
    return verified_client(world.caw_partner), world


@pytest.mark.django_db
def test_hostile_uploads_are_refused_in_dutch_and_leave_nothing_behind(
    uploader: tuple[Client, Any], tmp_path: Path
) -> None:
    client, people = uploader
    root = Path(settings.CASE_DOCUMENTS_ROOT)
    before = _files(root) | _files(tmp_path)
    for name, body, message in REFUSED:
        response = _upload(client, people.case.reference, name, body)
        where = repr(name[:40])
        assert response.status_code == 200, where
        page = response.content.decode()
        assert "Er is een probleem" in page, where
        if message:
            assert message in page, (where, message)
        assert not CaseDocument.objects.exists(), where
    assert _files(root) | _files(tmp_path) == before
    assert not Path(tempfile.gettempdir(), "ontsnapt.pdf").exists()


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_in_dutch(uploader: tuple[Client, Any]) -> None:
    client, people = uploader
    response = _upload(client, people.case.reference, "groot.pdf", PDF + b"0" * MAX_DOCUMENT_BYTES)
    # refused while it streams in, before the form sees it (tests/security/test_body_limits.py)
    assert response.status_code == 413
    assert "Het bestand is groter dan 10 MB." in response.content.decode()
    assert not CaseDocument.objects.exists()
    assert _files(Path(settings.CASE_DOCUMENTS_ROOT)) == set()


@pytest.mark.django_db
def test_accepted_uploads_get_a_generated_name_and_download_as_safe_attachments(
    uploader: tuple[Client, Any], verified_client: Callable[..., Client]
) -> None:
    client, people = uploader
    root = Path(settings.CASE_DOCUMENTS_ROOT).resolve()
    reader = verified_client(people.director)
    for name, body, extension, served in ACCEPTED:
        where = repr(name[:40])
        # what the browser claims the type is counts for nothing
        response = _upload(client, people.case.reference, name, body, content_type="text/html")
        assert response.status_code == 302, (where, response.content.decode()[:300])
        document = CaseDocument.objects.latest("pk")
        stored = Path(document.file.path).resolve()
        assert stored.is_relative_to(root), where
        assert GENERATED.match(stored.name), (where, stored.name)
        assert stored.name.endswith(f".{extension}"), where
        assert stored.read_bytes() == body, where
        assert document.content_type == served, where

        download = reader.get(
            reverse("collaboration:document_download", args=[people.case.reference, document.pk])
        )
        assert download.status_code == 200, where
        assert download["Content-Type"] == served, where
        assert download["Content-Type"] in SAFE_TYPES
        assert download["Content-Disposition"] == (
            f'attachment; filename="document-{document.pk}.{extension}"'
        ), where
        assert download["X-Content-Type-Options"] == "nosniff", where
        assert "sandbox" in download["Content-Security-Policy"], where
        assert b"".join(download.streaming_content) == body, where
    # nothing was written outside the private folder, nothing under the names that were sent
    assert all(GENERATED.match(Path(p).name) for p in _files(root))
    assert not Path(tempfile.gettempdir(), "ontsnapt.pdf").exists()
    assert not (root.parent / "ontsnapt.pdf").exists()
    page = reader.get(reverse("collaboration:case_detail", args=[people.case.reference]))
    assert b"ontsnapt" not in page.content and b"\xe2\x80\xae" not in page.content


# --- the other downloads: every one an attachment, nosniff, a safe type -----------------------


@pytest.mark.django_db
def test_every_download_is_an_attachment_with_nosniff(
    world: Any,
    verified_client: Callable[..., Client],
) -> None:
    import datetime

    from django.utils import timezone

    from collaboration.live_notes.models import Acknowledgement
    from collaboration.models import Meeting
    from collaboration.services.minutes import meeting_finalise

    meeting = Meeting.objects.create(
        case=world.case,
        kind="network",
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        place="Zaal",
        created_by=world.director,
    )
    Acknowledgement.objects.create(meeting=meeting, user=world.director)
    meeting_finalise(actor=world.director, meeting_id=meeting.pk, actions=[])
    from content.training.models import TrainingSession

    start = timezone.now() + datetime.timedelta(days=3)
    session = TrainingSession.objects.create(
        kind="in_person",
        title="Vorming",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        location="Gent",
        capacity=5,
        training_hours=1,
    )
    director = verified_client(world.director)
    privacy = verified_client(world.privacy)
    coordinator = verified_client(world.coordinator)
    downloads = [
        (director, reverse("live_notes:minutes_pdf", args=[meeting.pk]), {"application/pdf"}),
        (privacy, reverse("audit:export"), {"text/csv"}),
        (coordinator, reverse("training:report_csv"), {"text/csv"}),
        (Client(), reverse("training:session_ical", args=[session.pk]), {"text/calendar"}),
    ]
    for client, path, types in downloads:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].split(";")[0] in types, path
        assert response["Content-Disposition"].startswith("attachment"), path
        assert response["X-Content-Type-Options"] == "nosniff", path


# --- public documents and images, uploaded by editors ----------------------------------------


def _field_error(response: Any) -> str:
    """The Wagtail admin's field error message (Dutch)."""
    found = re.findall(r'class="error-message"[^>]*>(.*?)</', response.content.decode(), re.S)
    return " ".join(" ".join(f.split()) for f in found)


def _png() -> bytes:
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def editor(make_user: Callable[..., Any], verified_client: Callable[..., Client]) -> Client:
    from wagtail.models import Collection

    # A flush between transactional tests also empties what Wagtail's migrations made.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return verified_client(make_user(is_staff=True, is_superuser=True, email="cms@test.example"))


@pytest.mark.django_db
def test_public_documents_download_as_attachments_under_a_safe_name(
    editor: Client, settings: Any, tmp_path: Path
) -> None:
    from wagtail.documents import get_document_model

    settings.MEDIA_ROOT = str(tmp_path / "media")
    media = Path(settings.MEDIA_ROOT).resolve()
    cases = [
        ("../../../ontsnapt.pdf", PDF + HTML_JS, "application/pdf"),
        ("..\\..\\brochure.pdf", PDF, "application/pdf"),
        ("folder\u202efdp.txt", HTML_JS, "text/plain"),
    ]
    for name, body, served in cases:
        response = editor.post(
            reverse("wagtaildocs:add"),
            {"title": "Brochure", "file": SimpleUploadedFile(name, body, content_type="text/html")},
        )
        assert response.status_code == 302, (name, response.content.decode()[:300])
        document = get_document_model().objects.latest("pk")
        stored = Path(document.file.path).resolve()
        assert stored.is_relative_to(media / "documents"), (name, stored)
        assert ".." not in document.file.name and "\\" not in document.file.name
        download = Client().get(document.url)
        assert download.status_code == 200, name
        assert download["Content-Type"] == served, name
        assert download["Content-Disposition"].startswith("attachment;"), (
            name,
            download["Content-Disposition"],
        )
        assert download["X-Content-Type-Options"] == "nosniff", name
        assert download["Content-Security-Policy"] == "default-src 'none'", name
    # types that are not on the list are refused, in Dutch
    for name in ("pagina.html", "beeld.svg", "programma.exe"):
        response = editor.post(
            reverse("wagtaildocs:add"),
            {"title": "x", "file": SimpleUploadedFile(name, HTML_JS)},
        )
        assert response.status_code == 200, name
        assert "is niet toegestaan" in _field_error(response), name
    assert not (media.parent / "ontsnapt.pdf").exists()


@pytest.mark.django_db
def test_public_images_refuse_what_is_no_image_in_dutch(
    editor: Client, settings: Any, tmp_path: Path
) -> None:
    from wagtail.images import get_image_model

    settings.MEDIA_ROOT = str(tmp_path / "media")
    png = _png()
    refused = [
        ("beeld.png", HTML_JS),  # HTML called PNG
        ("beeld.png", png[:40]),  # a PNG cut short: the header says image, the data is broken
        ("beeld.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("beeld.html", png),
    ]
    for name, body in refused:
        response = editor.post(
            reverse("wagtailimages:add"),
            {"title": "Beeld", "file": SimpleUploadedFile(name, body)},
        )
        assert response.status_code == 200, name  # was a 500 for a broken PNG
        assert "afbeelding" in _field_error(response), name
        assert not get_image_model().objects.exists(), name
    response = editor.post(
        reverse("wagtailimages:add"),
        {"title": "Beeld", "file": SimpleUploadedFile("../../beeld.png", png)},
    )
    assert response.status_code == 302
    image = get_image_model().objects.get()
    assert Path(image.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert os.path.basename(image.file.name).startswith("beeld")
