"""Template helpers for training pages."""

from __future__ import annotations

import logging
from typing import Any

from django import template
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import get_template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
logger = logging.getLogger(__name__)

# The public site's quick-exit component (built in the ``content`` app). Peer-support pages
# include it when it is there; otherwise they fall back to a plain link to a neutral site.
QUICK_EXIT_TEMPLATE = "content/components/quick_exit.html"
QUICK_EXIT_SCRIPT = "js/quick-exit.js"
FALLBACK_TEMPLATE = "training/components/quick_exit_fallback.html"


@register.simple_tag(takes_context=True)
def quick_exit(context: Any) -> SafeString:
    flat = context.flatten()
    try:
        return mark_safe(get_template(QUICK_EXIT_TEMPLATE).render(flat, context.get("request")))  # noqa: S308
    except Exception:  # the component is missing or not ready: never break a page over it
        logger.warning("quick-exit component unavailable; using the fallback link")
        return mark_safe(get_template(FALLBACK_TEMPLATE).render(flat, context.get("request")))  # noqa: S308


def _static_exists(path: str) -> bool:
    try:
        if staticfiles_storage.exists(path):
            return True
    except Exception:  # noqa: S110 - storage without a local root
        pass
    return bool(finders.find(path))


@register.simple_tag
def quick_exit_script() -> SafeString:
    if not _static_exists(QUICK_EXIT_SCRIPT):
        return mark_safe("")
    return format_html('<script src="{}" defer></script>', static(QUICK_EXIT_SCRIPT))


@register.filter
def hours(value: Any) -> str:
    """1.0 → '1', 1.5 → '1,5'."""
    from django.utils import formats

    if value is None:
        return ""
    if value == int(value):
        return str(int(value))
    return formats.number_format(value, decimal_pos=1, use_l10n=True)
