"""Reads of the public site for its views and template tags: the site and its root in the
active language, the menu, breadcrumbs, translations, the sitemap's pages and the contact
settings. Public pages only, so nothing here is recorded in the audit trail.

Every read keeps the number of queries the pages were measured with
(``tests/content/test_queries.py``): the menu, breadcrumbs and language switch load only the
fields a link needs.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from wagtail.models import Locale, Page, Site

LINK_FIELDS = ("id", "title", "url_path", "path", "depth", "locale_id")


def site_for(request: HttpRequest | None) -> Site | None:
    """The Wagtail site ``request`` is for, or None."""
    return Site.find_for_request(request) if request is not None else None


def localised_root(request: HttpRequest | None) -> Page | None:
    """The site's root page in the active language (the root itself when it has no
    translation there; no query when the root is in that language already)."""
    site = site_for(request)
    if site is None:
        return None
    root = site.root_page
    locale = Locale.get_active()
    if root.locale_id == locale.pk:
        return root
    return root.get_translation_or_none(locale) or root


def sitemap_root(request: HttpRequest) -> Page | None:
    """The root of the HTML sitemap: the site's root page translated into the active
    language, or the root itself."""
    site = site_for(request)
    if site is None:
        return None
    root = site.root_page
    return root.get_translation_or_none(Locale.get_active()) or root


def menu_pages(root: Page) -> QuerySet[Page]:
    """The live, public children of ``root`` shown in the menu, with the fields of a link."""
    return root.get_children().live().public().in_menu().only(*LINK_FIELDS)


def breadcrumb_pages(page: Page) -> QuerySet[Page]:
    """The ancestors of ``page`` below the tree's root, with the fields of a link."""
    return page.get_ancestors().filter(depth__gte=2).only(*LINK_FIELDS)


def live_translations(page: Page) -> QuerySet[Page]:
    """The live translations of ``page``, with their locale and the fields of a link."""
    return (
        page.get_translations()
        .live()
        .select_related("locale")
        .only(*LINK_FIELDS, "locale__language_code")
    )


def sitemap_pages(root: Page) -> QuerySet[Page]:
    """Every live, public page under ``root`` and under each of its translations, specific,
    in tree order (the XML sitemap in all languages)."""
    roots = Q()
    for translation in root.get_translations(inclusive=True):
        roots |= Q(path__startswith=translation.path)
    return (
        Page.objects.filter(roots).live().public().order_by("path").defer_streamfields().specific()
    )


def contact_settings(request: HttpRequest) -> Any:
    """The site's contact settings (read once per request; unsaved defaults without a row)."""
    from content.models import SiteContactSettings  # the tags load before every model is used

    return SiteContactSettings.for_request(request)
