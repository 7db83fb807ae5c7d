"""Dutch error pages that never show a stack trace or a hint of what exists."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _render(template: str, status: int, request: HttpRequest | None = None) -> HttpResponse:
    try:
        body = render_to_string(template, request=request)
    except Exception:  # a broken template must not turn an error page into a 500 with a trace
        body = render_to_string(template)
    return HttpResponse(body, status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render("errors/403.html", 403, request)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render("errors/404.html", 404, request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render("errors/400.html", 400, request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid token (expired page, or another site): say so in Dutch."""
    return _render("errors/csrf.html", 403, request)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the failure may lie in it. The template needs none.
    return _render("errors/500.html", 500)
