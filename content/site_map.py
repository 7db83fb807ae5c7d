"""The HTML sitemap's tree (``content.views.sitemap_page``): public pages of one language."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest
from wagtail.models import Page


@dataclass
class SitemapEntry:
    title: str
    url: str
    children: list[SitemapEntry] = field(default_factory=list)


def sitemap_entries(request: HttpRequest, root: Page) -> list[SitemapEntry]:
    """The public pages under ``root`` (inclusive), nested as in the tree; one query."""
    pages = (
        Page.objects.live()
        .public()
        .descendant_of(root, inclusive=True)
        .filter(locale_id=root.locale_id)
        .order_by("path")
        .only("id", "title", "url_path", "path", "depth", "locale_id")
    )
    top: list[SitemapEntry] = []
    by_path: dict[str, SitemapEntry] = {}
    for page in pages:
        entry = SitemapEntry(title=page.title, url=page.get_url(request) or "")
        parent = by_path.get(page.path[: -Page.steplen])
        (parent.children if parent is not None else top).append(entry)
        by_path[page.path] = entry
    return top
