"""Snippets editors reuse on many pages: the people professionals can contact."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index
from wagtail.snippets.models import register_snippet


@register_snippet
class ContactPerson(index.Indexed, models.Model):
    """A coordinator or case director the public and professionals may contact."""

    name = models.CharField(_("naam"), max_length=120)
    role = models.CharField(
        _("functie"), max_length=120, help_text=_("Bijvoorbeeld 'coördinator'.")
    )
    centre = models.CharField(
        _("centrum"),
        max_length=120,
        blank=True,
        help_text=_("Bijvoorbeeld 'Veilig Huis Oost-Vlaanderen'."),
    )
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("role"),
        FieldPanel("centre"),
        FieldPanel("email"),
        FieldPanel("phone"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("centre")]

    class Meta:
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"
