"""Site search over published pages of the active language.

The search backend is Wagtail's database backend: PostgreSQL full-text search with the Dutch
configuration (stemming) on PostgreSQL, SQLite FTS otherwise (``WAGTAILSEARCH_BACKENDS``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from content.models import BasePage
from content.search_query import search_terms

__all__ = ["RESULTS_PER_PAGE", "SearchHit", "highlight", "search_pages", "search_terms"]

RESULTS_PER_PAGE = 10
SNIPPET_LENGTH = 240


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    snippet: SafeString


def highlight(text: str, query: str, length: int = SNIPPET_LENGTH) -> SafeString:
    """An escaped excerpt of ``text`` around the first query term, terms wrapped in <mark>."""
    terms = [re.escape(term) for term in query.split() if len(term) > 1]
    pattern = re.compile("|".join(terms), flags=re.IGNORECASE) if terms else None
    start = 0
    if pattern:
        found = pattern.search(text)
        if found and found.start() > length // 2:
            start = text.rfind(" ", 0, found.start() - length // 3) + 1
    excerpt = text[start : start + length]
    parts = ["… " if start else ""]
    last = 0
    for match in pattern.finditer(excerpt) if pattern else ():
        parts.append(escape(excerpt[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(excerpt[last:]))
    parts.append(" …" if start + length < len(text) else "")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped


@cache
def _summary_column(model: type[Page] | None) -> tuple[str | None, bool]:
    """The column of ``model``'s own table that a hit's text comes from, and whether it comes
    before ``search_description``: the same text as ``page.specific.summary or
    page.search_description``, read without loading the specific page."""
    if model is None:  # a content type whose model is gone
        return None, False
    if issubclass(model, BasePage):  # ``summary``: search_description, else the introduction
        return "intro", False
    if any(field.name == "summary" and field.concrete for field in model._meta.get_fields()):
        return "summary", True  # a field of its own (a course's short description)
    return None, False


def _summaries(pages: list[Page]) -> dict[int, str]:
    """The text of each hit that ``search_description`` alone does not give, in one query.

    Loading the hits with ``.specific()`` costs a query for the content types and one per page
    type among the hits (up to nine of the eleven queries a search made); the text is one
    column of each type's table, so one ``UNION ALL`` over those tables reads them all.
    """
    wanted: dict[tuple[type[Page], str], list[int]] = defaultdict(list)
    for page in pages:
        model = ContentType.objects.get_for_id(page.content_type_id).model_class()
        column, first = _summary_column(model)
        if model is not None and column is not None and (first or not page.search_description):
            wanted[(model, column)].append(page.pk)
    parts = [
        model._base_manager.filter(pk__in=ids).order_by().values_list("pk", column)
        for (model, column), ids in wanted.items()
    ]
    if not parts:
        return {}
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return dict(rows)


def _localised(site_root: Page) -> tuple[Page, Locale]:
    """The site root in the active language with its locale, in one query (the root itself and
    the active locale when there is no translation, as ``get_translation_or_none`` would)."""
    try:
        code = get_supported_content_language_variant(translation.get_language())
    except LookupError:
        return site_root, Locale.get_active()
    root = (
        Page.objects.filter(translation_key=site_root.translation_key, locale__language_code=code)
        .select_related("locale")
        .first()
    )
    if root is None:
        return site_root, Locale.get_active()
    return root, root.locale


def search_pages(
    request: HttpRequest, query: str, page_number: int | None, site_root: Page
) -> tuple[PaginatorPage, list[SearchHit]]:
    """One page of results, in a fixed number of queries whatever the content and the hits:
    the root and its locale, the view restrictions (``public()``), the count, the page of hits
    and their texts. ``query`` is already normalised (``content.search_query``)."""
    root, locale = _localised(site_root)
    pages = Page.objects.live().public().descendant_of(root, inclusive=True).filter(locale=locale)
    words = " ".join(search_terms(query))
    results = pages.search(words) if words else pages.none()
    page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(page_number)
    found = list(page_obj.object_list)
    summaries = _summaries(found)
    hits = []
    for page in found:
        model = ContentType.objects.get_for_id(page.content_type_id).model_class()
        first = _summary_column(model)[1]
        own = summaries.get(page.pk) or ""
        text = (own or page.search_description) if first else (page.search_description or own)
        # The generic page has the url_path and the site root paths are cached (on the request
        # and in the cache), so no query per hit.
        hits.append(
            SearchHit(
                title=page.title, url=page.get_url(request), snippet=highlight(text or "", query)
            )
        )
    return page_obj, hits
