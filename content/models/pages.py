"""Public pages served by Wagtail: the home page, standard pages and the help page.

Templates follow ``content/<model_snake>.html`` (Wagtail's default), so no model names one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from content.blocks import BodyBlock
from content.cache import mark_cacheable
from content.navigation import MAIN_NAV_TEMPLATE

_TRAINING_INSTALLED = any(app.startswith("content.training") for app in settings.INSTALLED_APPS)


class BasePage(Page):
    """What every public page has: a short introduction and a body of blocks."""

    intro = models.TextField(
        _("inleiding"),
        max_length=600,
        blank=True,
        help_text=_(
            "Eén tot drie zinnen in eenvoudige taal. Verschijnt bovenaan de pagina, op kaarten "
            "en in zoekresultaten."
        ),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("inhoud"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        abstract = True

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["main_nav_template"] = MAIN_NAV_TEMPLATE
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Public pages may be kept in the anonymous page cache (never previews; see content.cache).
        return mark_cacheable(request, super().serve(request, *args, **kwargs))

    @property
    def summary(self) -> str:
        """Text for cards, meta description and Open Graph: the editor's description first."""
        return self.search_description or self.intro


class HomePage(BasePage):
    """The site root: what Veilig Huis is, and where to find help at once."""

    # The root of each language's tree, directly under Wagtail's root (one per locale).
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "content.StandardPage",
        "content.HelpPage",
        "content.ConsultPage",
        "content.ViolenceFormIndexPage",
        "content.PartnerIndexPage",
        "content.CentreIndexPage",
        "content.NewsIndexPage",
        "content.EventIndexPage",
        # The training catalogue (its own app, label ``training``) hangs under the home page too.
        *(["training.TrainingIndexPage"] if _TRAINING_INSTALLED else []),
    ]

    class Meta:
        verbose_name = _("startpagina")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .sections import EventPage, NewsPage

        context = super().get_context(request, *args, **kwargs)
        # One query each, whatever the amount of content; no .specific() fan-out.
        context["sections"] = list(
            self.get_children()
            .live()
            .public()
            .in_menu()
            .only("id", "title", "url_path", "path", "depth", "locale_id")
        )
        context["latest_news"] = list(
            NewsPage.objects.live().public().descendant_of(self).order_by("-date", "-pk")[:3]
        )
        context["upcoming_events"] = list(
            EventPage.objects.live()
            .public()
            .descendant_of(self)
            .filter(start__gte=timezone.now())
            .order_by("start")[:3]
        )
        return context


class StandardPage(BasePage):
    """A page of text and blocks: what IFG is, the chain approach, browsing safely, ..."""

    # Standard pages may nest to group a topic (e.g. "Ketenaanpak" under "Over Veilig Huis").
    parent_page_types = ["content.HomePage", "content.StandardPage", "content.HelpPage"]
    subpage_types = ["content.StandardPage"]

    class Meta:
        verbose_name = _("standaardpagina")
        verbose_name_plural = _("standaardpagina's")


class HelpPage(BasePage):
    """'Hulp nodig?': emergency numbers first, then where to turn; one per language tree."""

    # Directly under the home page and only one, so the header can always link to it.
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.StandardPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("pagina 'hulp nodig'")
        verbose_name_plural = _("pagina's 'hulp nodig'")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from content import help_routes

        # The numbers, chats and hours come from the site settings (templates/content/
        # components/help_routes.html); the places to go from the page tree.
        context = super().get_context(request, *args, **kwargs)
        context["centres"] = help_routes.centres(self.locale)
        context["caw_page"] = help_routes.partner_page("CAW", self.locale)
        context["consult_page"] = help_routes.consult_page(self.locale)
        return context
