"""Template helpers of the account pages."""

from __future__ import annotations

from typing import Any

from django import template

from ..signup import safe_next as _safe_next

register = template.Library()


@register.simple_tag(takes_context=True)
def safe_next(context: dict[str, Any]) -> str:
    """The request's ``next`` if it stays on this site, else "": the sign-in page links to
    sign-up (and back) with it, and a template cannot validate an address by itself."""
    request = context.get("request")
    return _safe_next(request) if request is not None else ""
