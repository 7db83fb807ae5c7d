"""Oversized bodies are refused while they stream in (issue 12, item 9).

A 60 MB upload used to be read in full before the 10 MB rule refused it. Here it is sent for
real: through the test client's WSGI path with a body that counts how much of it was read,
through the whole ASGI application with a receive() that counts what it handed over, and to a
running uvicorn over a socket. Each time the answer is the Dutch 413 page, far fewer bytes than
60 MB were read, and nothing is saved: no document row, no stored file, no temporary file.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from collaboration.models import CaseDocument
from tests.factories.legal_bases import standing_basis

MB = 1024 * 1024
SIXTY_MB = 60 * MB
BOUNDARY = "grensgrensgrens"
DUTCH = "Het bestand is groter dan 10 MB."
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class CountingBody:
    """A multipart body of ``size`` file bytes, made as it is read; counts what was read."""

    def __init__(
        self, file_bytes: int, *, title: str = "Groot verslag", legal_basis: int | str = ""
    ) -> None:
        self.head = (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="title"\r\n\r\n'
            f"{title}\r\n"
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="legal_basis"\r\n\r\n'
            f"{legal_basis}\r\n"
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="visibility"\r\n\r\n'
            "all\r\n"
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="groot.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode() + PDF
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.file_bytes = file_bytes
        self.length = len(self.head) + file_bytes + len(self.tail)
        self.read_bytes = 0

    def _slice(self, start: int, end: int) -> bytes:
        head, tail_start = len(self.head), len(self.head) + self.file_bytes
        out = bytearray()
        if start < head:
            out += self.head[start : min(end, head)]
        if end > head and start < tail_start:
            out += b"0" * (min(end, tail_start) - max(start, head))
        if end > tail_start:
            out += self.tail[max(start, tail_start) - tail_start : end - tail_start]
        return bytes(out)

    def read(self, size: int = -1) -> bytes:
        end = self.length if size is None or size < 0 else min(self.length, self.read_bytes + size)
        chunk = self._slice(self.read_bytes, end)
        self.read_bytes = end
        return chunk

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - multipart reads chunks
        return self.read(size)


def _post(client: Client, path: str, body: CountingBody) -> Any:
    return client.generic(
        "POST",
        path,
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(body.length),
        **{"wsgi.input": body},
    )


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def upload_dirs(settings: Any, tmp_path: Path) -> tuple[Path, Path]:
    """The private document root and a temporary-upload folder of this test alone."""
    temporary = tmp_path / "uploads"
    temporary.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(temporary)
    return Path(settings.CASE_DOCUMENTS_ROOT), temporary


def _nothing_saved(upload_dirs: tuple[Path, Path]) -> None:
    documents, temporary = upload_dirs
    assert not CaseDocument.objects.exists()
    assert _files(documents) == set()
    assert _files(temporary) == set()


@pytest.mark.django_db
def test_a_declared_60_mb_body_is_refused_unread(
    world: Any,
    verified_client: Callable[..., Client],
    upload_dirs: tuple[Path, Path],
) -> None:
    client = verified_client(world.caw_partner)
    body = CountingBody(SIXTY_MB)
    url = reverse("collaboration:document_upload", args=[world.case.reference])
    response = _post(client, url, body)
    assert response.status_code == 413
    assert DUTCH in response.content.decode()
    assert body.read_bytes == 0
    _nothing_saved(upload_dirs)


@pytest.mark.django_db
def test_the_upload_handler_stops_reading_a_file_past_10_mb(
    world: Any,
    verified_client: Callable[..., Client],
    upload_dirs: tuple[Path, Path],
    settings: Any,
) -> None:
    """With the overall cap out of the way, the upload handler alone stops the 60 MB file
    after little more than 10 MB, and deletes the temporary file it had started."""
    settings.MAX_REQUEST_BODY_BYTES = 100 * MB
    client = verified_client(world.caw_partner)
    body = CountingBody(SIXTY_MB)
    url = reverse("collaboration:document_upload", args=[world.case.reference])
    response = _post(client, url, body)
    assert response.status_code == 413
    assert DUTCH in response.content.decode()
    assert settings.MAX_UPLOAD_BYTES < body.read_bytes < settings.MAX_UPLOAD_BYTES + MB
    _nothing_saved(upload_dirs)


@pytest.mark.django_db
def test_a_file_just_over_10_mb_is_refused_and_one_under_is_stored(
    world: Any,
    verified_client: Callable[..., Client],
    upload_dirs: tuple[Path, Path],
) -> None:
    client = verified_client(world.caw_partner)
    url = reverse("collaboration:document_upload", args=[world.case.reference])
    over = CountingBody(settings.MAX_UPLOAD_BYTES)  # PDF header + 10 MB
    response = _post(client, url, over)
    assert response.status_code == 413 and DUTCH in response.content.decode()
    _nothing_saved(upload_dirs)
    response = _post(client, url, CountingBody(2 * MB, legal_basis=standing_basis(world.case)))
    assert response.status_code == 302
    assert CaseDocument.objects.count() == 1


def _asgi_post(headers: list[tuple[bytes, bytes]], total: int, chunk: int = 64 * 1024) -> dict:
    """POST ``total`` bytes through the whole ASGI application; count what it asked for."""
    from portal.asgi import application

    handed = {"bytes": 0, "messages": 0}
    sent: list[dict] = []

    async def receive() -> dict:
        if handed["bytes"] >= total:
            await asyncio.sleep(3600)  # a client that sent everything and waits
        size = min(chunk, total - handed["bytes"])
        handed["bytes"] += size
        handed["messages"] += 1
        return {"type": "http.request", "body": b"0" * size, "more_body": handed["bytes"] < total}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/samenwerking/",
        "raw_path": b"/samenwerking/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    asyncio.run(asyncio.wait_for(application(scope, receive, send), timeout=30))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return {"status": start["status"], "body": body.decode(), **handed}


def test_the_asgi_application_refuses_a_declared_60_mb_body_before_reading_it() -> None:
    result = _asgi_post([(b"content-length", str(SIXTY_MB).encode())], SIXTY_MB)
    assert result["status"] == 413 and DUTCH in result["body"]
    assert result["bytes"] == 0


def test_the_asgi_application_cuts_a_chunked_60_mb_body_off_at_the_cap() -> None:
    """No Content-Length (chunked transfer): counted as it streams, cut off past the cap,
    before Django's handler has spooled more than the cap."""
    result = _asgi_post([(b"transfer-encoding", b"chunked")], SIXTY_MB)
    assert result["status"] == 413 and DUTCH in result["body"]
    cap = settings.MAX_REQUEST_BODY_BYTES
    assert cap < result["bytes"] <= cap + 64 * 1024


def _send_while_reading(base_url: str, head: bytes, chunks: Callable[[], bytes | None]) -> dict:
    """Send ``head`` then chunks until the server answers or stops reading; returns what was
    sent and the answer."""
    parts = urlsplit(base_url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 256 * 1024)
    answer = bytearray()
    done = threading.Event()

    def reader() -> None:
        try:
            while not done.is_set():
                data = sock.recv(65536)
                if not data:
                    break
                answer.extend(data)
                if b"\r\n\r\n" in answer and b"</html>" in answer:
                    break
        except OSError:
            pass
        done.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    sent = 0
    started = time.monotonic()
    try:
        sock.sendall(head)
        while not done.is_set():
            chunk = chunks()
            if chunk is None:
                break
            sock.sendall(chunk)
            sent += len(chunk)
    except OSError:
        pass  # the server closed the connection: it stopped reading
    thread.join(timeout=30)
    sock.close()
    return {"sent": sent, "answer": bytes(answer), "seconds": time.monotonic() - started}


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_uvicorn_answers_413_without_taking_the_whole_60_mb(
    asgi_server: str, declared: bool
) -> None:
    block = b"0" * (256 * 1024)
    remaining = {"bytes": SIXTY_MB}

    def chunks() -> bytes | None:
        if remaining["bytes"] <= 0:
            return b"" if declared else None
        size = min(len(block), remaining["bytes"])
        remaining["bytes"] -= size
        return block[:size] if declared else f"{size:x}\r\n".encode() + block[:size] + b"\r\n"

    framing = f"Content-Length: {SIXTY_MB}" if declared else "Transfer-Encoding: chunked"
    head = (
        "POST /samenwerking/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n{framing}\r\n\r\n"
    ).encode()
    result = _send_while_reading(asgi_server, head, chunks)
    status_line = result["answer"].split(b"\r\n", 1)[0]
    assert b" 413 " in status_line, result["answer"][:200]
    assert DUTCH.encode() in result["answer"]
    assert result["sent"] < SIXTY_MB // 2, result["sent"]
