"""Public pages served by Wagtail."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site root: what Veilig Huis is, and where to find help at once."""

    # Only one home page, directly under Wagtail's root.
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    lead = models.CharField(_("inleiding"), max_length=300, blank=True)
    body = RichTextField(_("tekst"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("lead"), FieldPanel("body")]

    class Meta:
        verbose_name = _("startpagina")

    def get_template(self, request, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        return "content/home_page.html"
