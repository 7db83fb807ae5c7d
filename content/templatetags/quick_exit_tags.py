"""``{% quick_exit_bar %}``: the "Snel weg" bar, rendered by ``base.html`` and the error pages.

Why a tag and not a block each template fills in: a page that forgets to fill it in would have
no way out. The bar is on every page a visitor can reach; only the areas behind the second
factor (collaboration, admin, audit) leave it out, where professionals type case notes and a
stray double Escape must not sign them out and throw their work away.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe

from portal.security.policy import is_protected_path

register = template.Library()

TEMPLATE = "content/components/quick_exit.html"
HISTORY_TEMPLATE = "content/components/history_option.html"


def shows_quick_exit(path: str) -> bool:
    """True on every path a visitor can reach (everything outside the second-factor areas)."""
    return not is_protected_path(path)


@register.simple_tag(takes_context=True)
def quick_exit_bar(context: Any) -> SafeString:
    request = context.get("request")
    if request is not None and not shows_quick_exit(request.path):
        return mark_safe("")
    # The 500 page renders without a request (and so without site settings): the bar then
    # has the button and the key hints, without the link to "Veilig surfen".
    values = {**context.flatten(), "quick_exit_href": _exit_href()}
    return mark_safe(get_template(TEMPLATE).render(values, request))  # noqa: S308


def _exit_href() -> str:
    """Our exit route; should it be missing (an error page rendered under another URLconf),
    straight to the neutral site rather than a page that fails to render."""
    from content.quick_exit import FALLBACK_URL

    try:
        return reverse("quick_exit")
    except NoReverseMatch:
        return FALLBACK_URL


@register.simple_tag(takes_context=True)
def history_option(context: Any, page: Any) -> SafeString:
    """The "Houd dit bezoek uit de geschiedenis" switch, on the "Veilig surfen" page only
    (the page chosen in the site settings, or a translation of it)."""
    request = context.get("request")
    if request is None or page is None:
        return mark_safe("")
    from content.selectors import contact_settings

    chosen = contact_settings(request).browse_safely_page
    if chosen is None or chosen.translation_key != page.translation_key:
        return mark_safe("")
    return mark_safe(get_template(HISTORY_TEMPLATE).render(context.flatten(), request))  # noqa: S308
