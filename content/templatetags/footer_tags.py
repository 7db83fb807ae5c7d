"""``{% footer_mailbox as mailbox %}``: the footer's contact address (``content.footer``).

Why a tag of its own: the footer used Wagtail's ``settings`` context processor, which costs two
queries on every signed-in page; this reads a per-process copy checked against the publication
generation.
"""

from __future__ import annotations

from typing import Any

from django import template

from content.footer import footer_mailbox as _footer_mailbox

register = template.Library()


@register.simple_tag(takes_context=True)
def footer_mailbox(context: Any) -> str:
    return _footer_mailbox(context.get("request"))
