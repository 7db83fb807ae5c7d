"""Navigation for the public templates: main menu, breadcrumbs and the language switch.

Each tag costs a fixed number of queries (one for the menu, one for the ancestors, one for the
translations), whatever the size of the tree.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from content.selectors import breadcrumb_pages, live_translations, localised_root, menu_pages

register = template.Library()

# Each language named in itself, so a reader finds their own (WCAG 3.1.2 via the lang attribute).
NATIVE_NAMES = {"nl-be": "Nederlands", "en": "English"}


@register.inclusion_tag("content/components/main_menu_items.html", takes_context=True)
def main_menu(context: dict) -> dict[str, Any]:
    request = context.get("request")
    current = context.get("page")
    root = localised_root(request)
    items = []
    if root is not None:
        for child in menu_pages(root):
            active = current is not None and (current.path.startswith(child.path))
            items.append(
                {
                    "title": child.title,
                    "url": child.get_url(request),
                    "active": active,
                    "current": current is not None and current.pk == child.pk,
                }
            )
    return {"items": items, "request": request}


@register.inclusion_tag("content/components/breadcrumbs.html", takes_context=True)
def breadcrumbs(context: dict) -> dict[str, Any]:
    request = context.get("request")
    page = context.get("page")
    crumbs = []
    if page is not None and page.depth > 2:
        for ancestor in breadcrumb_pages(page):
            crumbs.append({"title": ancestor.title, "url": ancestor.get_url(request)})
    return {"crumbs": crumbs, "page": page}


@register.inclusion_tag("content/components/language_switch.html", takes_context=True)
def language_switch(context: dict) -> dict[str, Any]:
    """Links to this page in the other languages: its translations, or the same path there."""
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    names = {code: NATIVE_NAMES.get(code, str(name)) for code, name in settings.LANGUAGES}
    links = []
    if page is not None and getattr(page, "pk", None):
        for other in live_translations(page):
            code = other.locale.language_code
            links.append(
                {"code": code, "name": names.get(code, code), "url": other.get_url(request)}
            )
    elif request is not None:
        for code, _name in settings.LANGUAGES:
            if code != current:
                links.append(
                    {
                        # In its own language ("English", never the Dutch "Engels").
                        "code": code,
                        "name": names[code],
                        "url": translate_url(request.get_full_path(), code),
                    }
                )
    return {"links": links}
