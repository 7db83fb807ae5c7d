"""Site-wide settings editors change without a release: help lines, mailbox, quick-exit target.

Opening hours and chat addresses are never written in code: they change, and only the help
lines publish them. Empty fields are left out of the pages.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site


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
    helpline_chat_url = models.URLField(
        _("chat van de hulplijn"),
        blank=True,
        help_text=_("Het adres van de chat van 1712. Leeg: de hulppagina noemt geen chat."),
    )
    helpline_phone_hours = models.CharField(
        _("openingsuren telefoon hulplijn"),
        max_length=200,
        blank=True,
        help_text=_("Zoals de hulplijn ze zelf publiceert. Houd ze actueel; leeg: niet getoond."),
    )
    helpline_chat_hours = models.CharField(
        _("openingsuren chat hulplijn"), max_length=200, blank=True
    )
    youth_helpline_number = models.CharField(
        _("hulplijn voor kinderen en jongeren"),
        max_length=10,
        default="102",
        help_text=_("Awel: luistert naar kinderen en jongeren, over alles."),
    )
    youth_helpline_chat_url = models.URLField(_("chat voor kinderen en jongeren"), blank=True)
    youth_helpline_hours = models.CharField(
        _("openingsuren hulplijn kinderen en jongeren"), max_length=200, blank=True
    )
    caw_website = models.URLField(
        _("website van het CAW"),
        blank=True,
        help_text=_("Waar bezoekers het CAW in hun buurt vinden. Leeg: niet getoond."),
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

    @classmethod
    def for_site(cls, site: Site | None) -> SiteContactSettings:
        """The saved settings of ``site``, or unsaved ones holding the defaults.

        Why not Wagtail's ``get_or_create``: the footer and the quick-exit bar read these
        settings on every page, so the first GET after a site was created wrote a row
        (savepoint, INSERT, release: three queries, and a write on a safe request, racing
        with a parallel first request). Reading is one SELECT; the row is written when an
        editor saves the form in the Wagtail admin (the unsaved instance is its instance).
        ``for_request`` still caches the result on the request, so a page reads it once.
        """
        if site is None:
            raise cls.DoesNotExist(f"{cls.__name__} does not exist for site None.")
        instance = cls.base_queryset().filter(site=site).first()
        return instance if instance is not None else cls(site=site)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("emergency_number"),
                FieldPanel("police_number"),
                FieldPanel("helpline_number"),
            ],
            heading=_("Hulpnummers"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("helpline_chat_url"),
                FieldPanel("helpline_phone_hours"),
                FieldPanel("helpline_chat_hours"),
            ],
            heading=_("Hulplijn 1712: chat en openingsuren"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("youth_helpline_number"),
                FieldPanel("youth_helpline_chat_url"),
                FieldPanel("youth_helpline_hours"),
            ],
            heading=_("Awel: kinderen en jongeren"),
        ),
        MultiFieldPanel([FieldPanel("caw_website")], heading=_("CAW")),
        MultiFieldPanel([FieldPanel("general_email"), FieldPanel("website")], heading=_("Contact")),
        MultiFieldPanel(
            [FieldPanel("quick_exit_url"), FieldPanel("browse_safely_page")], heading=_("Snel weg")
        ),
    ]

    class Meta:
        verbose_name = _("contact en hulpnummers")
