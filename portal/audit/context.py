"""Who, from where and within which request an event happens, for every writer.

Set once per request by ``AuditContextMiddleware``, per connection by consumers and per run by
background tasks, through a context variable (safe across threads and asyncio tasks).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import TypedDict, Unpack

from auditlog.context import set_actor
from django.http import HttpRequest, HttpResponse

from portal.security.client_address import client_address


@dataclass(frozen=True)
class AuditContext:
    ip_address: str | None = None
    session_ref: str = ""
    correlation_id: str = ""


class ContextValues(TypedDict, total=False):
    """The fields of ``AuditContext`` a caller of ``audit_context`` may set."""

    ip_address: str | None
    session_ref: str
    correlation_id: str


_EMPTY = AuditContext()
_current: ContextVar[AuditContext] = ContextVar("audit_context", default=_EMPTY)


def current_context() -> AuditContext:
    return _current.get()


def current_correlation_id() -> str | None:
    """django-auditlog's ``AUDITLOG_CID_GETTER``: change history shares our correlation id."""
    return _current.get().correlation_id or None


def session_ref(session_key: str | None) -> str:
    """A stable reference to a session that does not reveal the session key itself."""
    if not session_key:
        return ""
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def new_correlation_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def audit_context(**values: Unpack[ContextValues]) -> Iterator[AuditContext]:
    """Use in consumers and tasks: ``with audit_context(ip_address=..., correlation_id=...):``."""
    ctx = replace(_current.get(), **values)
    if not ctx.correlation_id:
        ctx = replace(ctx, correlation_id=new_correlation_id())
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


class AuditContextMiddleware:
    """Sets the audit context for a request and returns the correlation id as a header.

    Also hands django-auditlog the acting user and the trusted client address, so change
    history and access events agree (it replaces auditlog's own middleware, which would trust
    the first X-Forwarded-For value).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        ctx = AuditContext(
            ip_address=client_address(request),
            session_ref=session_ref(session.session_key if session is not None else None),
            correlation_id=new_correlation_id(),
        )
        request.correlation_id = ctx.correlation_id  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        token = _current.set(ctx)
        try:
            with set_actor(actor, remote_addr=ctx.ip_address):
                response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Correlation-ID"] = ctx.correlation_id
        return response
