"""Site-wide settings editors change without a release: help lines, mailbox, quick-exit target."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="warning")
class SiteContactSettings(BaseSiteSetting):
    """Shown in the header, the footer and on the help page of every public page."""

    emergency_number = models.CharField(
        _("noodnummer"),
        max_length=10,
        default="112",
        help_text=_("Dringende hulp: ambulance, brandweer, politie."),
    )
    police_number = models.CharField(_("politie"), max_length=10, default="101")
    helpline_number = models.CharField(
        _("hulplijn"),
        max_length=10,
        default="1712",
        help_text=_("Hulplijn voor geweld, misbruik en kindermishandeling."),
    )
    general_email = models.EmailField(
        _("algemeen e-mailadres"), default="veilighuis.oostvlaanderen@vlaanderen.be"
    )
    website = models.URLField(_("website"), default="https://www.veilighuis.be")
    quick_exit_url = models.URLField(
        _("adres voor 'Snel weg'"),
        default="https://www.meteo.be/nl/belgie",
        help_text=_(
            "Een neutrale website die niets met geweld te maken heeft. De knop 'Snel weg' en drie "
            "keer Shift openen deze pagina in hetzelfde tabblad."
        ),
    )

    browse_safely_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("pagina 'veilig surfen'"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Uitleg over privévensters, geschiedenis wissen en gedeelde toestellen; naast 'Snel weg'."
        ),
    )

    # Fetched with the settings, so the quick-exit bar costs no extra query on each page.
    select_related = ["browse_safely_page"]

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("emergency_number"),
                FieldPanel("police_number"),
                FieldPanel("helpline_number"),
            ],
            heading=_("Hulpnummers"),
        ),
        MultiFieldPanel([FieldPanel("general_email"), FieldPanel("website")], heading=_("Contact")),
        MultiFieldPanel(
            [FieldPanel("quick_exit_url"), FieldPanel("browse_safely_page")], heading=_("Snel weg")
        ),
    ]

    class Meta:
        verbose_name = _("contact en hulpnummers")
