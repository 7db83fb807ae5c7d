"""Site search over published pages of the active language.

The search backend is Wagtail's database backend: PostgreSQL full-text search with the Dutch
configuration (stemming) on PostgreSQL, SQLite FTS otherwise (``WAGTAILSEARCH_BACKENDS``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Locale, Page

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


def search_terms(query: str) -> list[str]:
    """The words of a visitor's query, without punctuation or search-syntax characters."""
    return re.findall(r"[\w-]+", query)[:20]


def search_pages(
    request: HttpRequest, query: str, page_number: str | None, site_root: Page
) -> tuple[PaginatorPage, list[SearchHit]]:
    """One page of results; the queries are bounded by the page size, not by the content."""
    locale = Locale.get_active()
    root = site_root.get_translation_or_none(locale) or site_root
    pages = Page.objects.live().public().descendant_of(root, inclusive=True).filter(locale=locale)
    # Only words reach the search backend: quotes and operators would be query syntax there
    # (SQLite FTS5 answers a stray quote with an error, not with "no results").
    words = " ".join(search_terms(query))
    results = pages.search(words) if words else pages.none()
    paginator = Paginator(results, RESULTS_PER_PAGE)
    page_obj = paginator.get_page(page_number)
    ids = [page.pk for page in page_obj.object_list]
    specific = {page.pk: page for page in Page.objects.filter(pk__in=ids).specific()}
    hits = []
    for pk in ids:
        page = specific.get(pk)
        if page is None:
            continue
        text = getattr(page, "summary", "") or page.search_description or ""
        hits.append(
            SearchHit(title=page.title, url=page.get_url(request), snippet=highlight(text, query))
        )
    return page_obj, hits
