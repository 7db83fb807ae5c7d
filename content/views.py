"""Views outside the page tree: search, robots.txt and the sitemaps (XML and HTML)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from content.cache import mark_cacheable
from content.navigation import MAIN_NAV_TEMPLATE
from content.search import search_pages
from content.search_query import MAX_QUERY_LENGTH, normalised_query, page_number
from content.selectors import site_for, sitemap_pages, sitemap_root
from content.site_map import SitemapEntry, sitemap_entries


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """The results page: searched with the query's words (``normalised_query``), showing the
    query as the visitor typed it (escaped by the template, cut to the form's length).

    The anonymous page cache may store it (``mark_cacheable``): its key is made of the typed
    query and the page number (``content.cache``), exactly what this page is rendered from.
    """
    raw = request.GET.get("q", "").strip()
    query = normalised_query(raw)
    context: dict = {
        "query": raw[:MAX_QUERY_LENGTH],
        "hits": [],
        "page_obj": None,
        "main_nav_template": MAIN_NAV_TEMPLATE,
        # A query cut to the form's length, or one without a single word (only quotes or
        # signs): said in so many words rather than answered with an empty page.
        "shortened": len(raw) > MAX_QUERY_LENGTH,
        "no_words": bool(raw) and not query,
        "max_length": MAX_QUERY_LENGTH,
    }
    site = site_for(request)
    if query and site is not None:
        context["page_obj"], context["hits"] = search_pages(
            request, query, page_number(request.GET.get("pagina")), site.root_page
        )
    return mark_cacheable(request, TemplateResponse(request, "content/search.html", context))


@require_safe
def sitemap_page(request: HttpRequest) -> HttpResponse:
    """The HTML sitemap ("Sitemap" in the footer): every public page of this language."""
    root = sitemap_root(request)
    entries: list[SitemapEntry] = sitemap_entries(request, root) if root is not None else []
    context = {"entries": entries, "main_nav_template": MAIN_NAV_TEMPLATE}
    return TemplateResponse(request, "content/sitemap_page.html", context)


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    protected = [*settings.SECOND_FACTOR_PROTECTED_PREFIXES, "/account/", "/zoeken/", "/en/zoeken/"]
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in protected)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('content:sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class AllLanguagesSitemap(Sitemap):
    """Wagtail's sitemap lists the site root's tree only; ours adds its translations' trees."""

    def items(self):
        return sitemap_pages(self.get_wagtail_site().root_page)


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    return wagtail_sitemap(request, sitemaps={"pages": AllLanguagesSitemap(request)})
