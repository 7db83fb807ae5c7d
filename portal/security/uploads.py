"""Oversized request bodies are refused while they stream in, not after they have been read.

Without this a 60 MB upload was read in full (spooled to disk by Django's ASGI handler, then
parsed into a temporary file) before the 10 MB rule of the document form refused it. Three
guards, from the outside in, each answering 413 with the same Dutch page:

- ``BodyLimitASGIMiddleware`` wraps the HTTP application in ``portal.asgi``: a declared
  ``Content-Length`` above ``MAX_REQUEST_BODY_BYTES`` is refused before a byte of the body is
  read; a chunked body is counted as it arrives and cut off the moment it passes the cap;
- ``RequestBodyLimitMiddleware`` (first in ``MIDDLEWARE``) does the same check for WSGI and the
  test client, and parses multipart bodies before any view runs, so a refused upload never
  reaches a view with half its fields;
- ``SizeLimitUploadHandler`` (first in ``FILE_UPLOAD_HANDLERS``) counts each file's bytes as the
  parser hands them over and stops the upload (``StopUpload``, without reading the rest) once a
  file passes ``MAX_UPLOAD_BYTES``; the parser then closes, and so deletes, the temporary files.

``DATA_UPLOAD_MAX_MEMORY_SIZE`` still limits the non-file fields.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

# As Django's ASGIHandler takes them (so it can be wrapped): a dict scope, messages only read.
Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REFUSED_ATTRIBUTE = "_portal_upload_refused"
STATUS = 413


def max_body_bytes() -> int:
    return int(settings.MAX_REQUEST_BODY_BYTES)


def max_upload_bytes() -> int:
    return int(settings.MAX_UPLOAD_BYTES)


def too_large_page() -> bytes:
    """The Dutch refusal; rendered without the request (no session or database needed)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "errors/413.html", {"limit_mb": max_upload_bytes() // (1024 * 1024)}
        ).encode()


def too_large_response() -> HttpResponse:
    return HttpResponse(too_large_page(), status=STATUS, content_type="text/html; charset=utf-8")


def declared_length(value: str | bytes | None) -> int | None:
    """``Content-Length`` as a number, or None when absent or malformed (left to the server
    and Django to refuse)."""
    if value is None:
        return None
    try:
        length = int(value)
    except ValueError:
        return None
    return length if length >= 0 else None


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops an upload as soon as one file passes ``MAX_UPLOAD_BYTES`` (see the module)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) builds the file

    def _refuse(self) -> None:
        if self.request is not None:
            setattr(self.request, REFUSED_ATTRIBUTE, True)
        # connection_reset: the parser must not read (exhaust) the rest of the body.
        raise StopUpload(connection_reset=True)


def _close_uploaded_files(request: HttpRequest) -> None:
    """Temporary files of parts that completed before the refusal: closing deletes them."""
    files = getattr(request, "_files", None)
    if not files:
        return
    for _field, uploads in files.lists():
        for uploaded in uploads:
            with contextlib.suppress(OSError):
                uploaded.close()


class RequestBodyLimitMiddleware:
    """First in MIDDLEWARE: refuse a declared oversized body unread; parse multipart bodies
    here, under the upload handler's limit, so no view ever sees a refused upload."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request.META.get("CONTENT_LENGTH"))
        if length is not None and length > max_body_bytes():
            return too_large_response()
        if request.method in ("POST", "PUT", "PATCH") and request.content_type == (
            "multipart/form-data"
        ):
            try:
                request.FILES  # noqa: B018 - parses the body now, with the limits
            except StopUpload:
                setattr(request, REFUSED_ATTRIBUTE, True)
            if getattr(request, REFUSED_ATTRIBUTE, False):
                _close_uploaded_files(request)
                return too_large_response()
        return self.get_response(request)


class BodyLimitASGIMiddleware:
    """Around the HTTP application: refuse oversized bodies before Django reads them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        limit = max_body_bytes()
        headers = dict(scope.get("headers") or [])
        length = declared_length(headers.get(b"content-length"))
        if length is not None and length > limit:
            await self._refuse(send)
            return
        received = 0
        cut_off = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, cut_off
            if cut_off:
                return {"type": "http.disconnect"}
            message = await receive()
            if message.get("type") == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Django's handler stops reading at a disconnect and sends nothing.
                    cut_off = True
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message.get("type") == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, tracked_send)
        if cut_off and not started:
            await self._refuse(send)

    @staticmethod
    async def _refuse(send: Send) -> None:
        body = too_large_page()
        await send(
            {
                "type": "http.response.start",
                "status": STATUS,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"cache-control", b"no-store"),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
