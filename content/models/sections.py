"""Index and detail pages for the site's sections: forms of violence, partner services,
regional centres, news and events.

Each index lists its own detail pages with one query (``Detail.objects.child_of(self)``), so a
section with many pages costs no more queries than one with few.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from .pages import BasePage


class SectionIndexPage(BasePage):
    """An index that lists its children of one detail type, in the order ``child_ordering``."""

    detail_model: ClassVar[str] = ""
    child_ordering: ClassVar[tuple[str, ...]] = ("path",)
    paginate_by: ClassVar[int | None] = None

    class Meta:
        abstract = True

    def get_detail_model(self) -> type[Page]:
        return self._meta.apps.get_model("content", self.detail_model)

    def children_queryset(self) -> models.QuerySet:
        return (
            self.get_detail_model()
            .objects.child_of(self)
            .live()
            .public()
            .order_by(*self.child_ordering)
        )

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        children = self.children_queryset()
        if self.paginate_by:
            paginator = Paginator(children, self.paginate_by)
            page_obj = paginator.get_page(request.GET.get("pagina"))
            context["page_obj"] = page_obj
            context["children"] = page_obj.object_list
        else:
            context["children"] = list(children)
        return context


# --- Forms of violence -------------------------------------------------------------------


class ViolenceFormIndexPage(SectionIndexPage):
    detail_model = "ViolenceFormPage"

    # One overview of the forms, under the home page.
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.ViolenceFormPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("overzicht vormen van geweld")
        verbose_name_plural = _("overzichten vormen van geweld")


class ViolenceFormPage(BasePage):
    """One form of intrafamilial violence (partner violence, child abuse, ...)."""

    # Only inside the overview of forms, so the overview is complete.
    parent_page_types = ["content.ViolenceFormIndexPage"]
    subpage_types: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("vorm van geweld")
        verbose_name_plural = _("vormen van geweld")


# --- Partner services --------------------------------------------------------------------


class PartnerSector(models.TextChoices):
    WELFARE = "welfare", _("Welzijn")
    HEALTH = "health", _("Gezondheid")
    POLICE = "police", _("Politie")
    JUSTICE = "justice", _("Justitie")
    LOCAL = "local", _("Lokaal bestuur")
    OTHER = "other", _("Andere")


class PartnerIndexPage(SectionIndexPage):
    detail_model = "PartnerPage"

    # One overview of the partner services, under the home page.
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.PartnerPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("overzicht partnerdiensten")
        verbose_name_plural = _("overzichten partnerdiensten")


class PartnerPage(BasePage):
    """One partner service in the chain approach (CAW, police, prosecution, ...)."""

    abbreviation = models.CharField(
        _("afkorting"), max_length=20, blank=True, help_text=_("Bijvoorbeeld 'CAW'.")
    )
    sector = models.CharField(_("sector"), max_length=20, choices=PartnerSector.choices)
    website = models.URLField(_("website"), blank=True)

    # Only inside the overview of partners, so the overview is complete.
    parent_page_types = ["content.PartnerIndexPage"]
    subpage_types: ClassVar[list[str]] = []

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("abbreviation"), FieldPanel("sector")]),
        FieldPanel("website"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("abbreviation")]

    class Meta:
        verbose_name = _("partnerdienst")
        verbose_name_plural = _("partnerdiensten")


# --- Regional centres --------------------------------------------------------------------


class CentreIndexPage(SectionIndexPage):
    detail_model = "CentrePage"
    child_ordering = ("title",)

    # One overview of the nine centres, under the home page.
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.CentrePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("overzicht centra")
        verbose_name_plural = _("overzichten centra")


class CentrePage(BasePage):
    """One of the nine regional Veilig Huis centres."""

    region = models.CharField(_("regio"), max_length=60, help_text=_("Bijvoorbeeld 'Kempen'."))
    city = models.CharField(_("vestiging"), max_length=60, help_text=_("Bijvoorbeeld 'Geel'."))
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True)
    address = models.CharField(_("adres"), max_length=200, blank=True)
    website = models.URLField(
        _("website"),
        blank=True,
        help_text=_("De eigen website van het centrum, niet die van dit portaal."),
    )

    # Only inside the overview of centres, so the overview is complete.
    parent_page_types = ["content.CentreIndexPage"]
    subpage_types: ClassVar[list[str]] = []

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("region"), FieldPanel("city")]),
        MultiFieldPanel(
            [
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("address"),
                FieldPanel("website"),
            ],
            heading=_("Contact"),
            help_text=_(
                "Leeg gelaten zegt de pagina hoe men het centrum via 1712 of het algemene "
                "e-mailadres bereikt."
            ),
        ),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("region"),
        index.SearchField("city"),
    ]

    class Meta:
        verbose_name = _("centrum")
        verbose_name_plural = _("centra")

    @property
    def has_contact(self) -> bool:
        """True when visitors can reach the centre directly from its page."""
        return bool(self.phone or self.email or self.website)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from content import help_routes

        context = super().get_context(request, *args, **kwargs)
        if not self.has_contact:
            # Without its own contact, the page routes through the consult page and 1712.
            context["consult_page"] = help_routes.consult_page(self.locale)
        return context


# --- News --------------------------------------------------------------------------------


class NewsIndexPage(SectionIndexPage):
    detail_model = "NewsPage"
    child_ordering = ("-date", "-pk")
    paginate_by = 10

    # One news overview, under the home page.
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("nieuwsoverzicht")
        verbose_name_plural = _("nieuwsoverzichten")


class NewsPage(BasePage):
    date = models.DateField(_("datum"), default=timezone.localdate)

    # Only inside the news overview.
    parent_page_types = ["content.NewsIndexPage"]
    subpage_types: ClassVar[list[str]] = []

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("nieuwsbericht")
        verbose_name_plural = _("nieuwsberichten")


# --- Events ------------------------------------------------------------------------------


class EventKind(models.TextChoices):
    PEER_SUPPORT = "peer_support", _("Lotgenotensessie")
    INFORMATION = "information", _("Infosessie")
    TRAINING = "training", _("Vorming")


class EventIndexPage(SectionIndexPage):
    """The one public agenda: its events and the bookable training and peer-support sessions,
    in one list by date (``content.agenda``). A session an event links to is listed once, as
    that event."""

    detail_model = "EventPage"
    child_ordering = ("start",)

    # One agenda, under the home page.
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("agenda")
        verbose_name_plural = _("agenda's")

    def children_queryset(self) -> models.QuerySet:
        now = timezone.now()
        # A linked event takes its time from its session, which may have moved since.
        return (
            super()
            .children_queryset()
            .filter(models.Q(end__gte=now) | models.Q(booking_session__ends_at__gte=now))
        )

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from content.agenda import agenda_entries

        context = super().get_context(request, *args, **kwargs)
        context["entries"] = agenda_entries(context["children"])
        return context


class EventPage(BasePage):
    """A peer-support, information or training activity. One that can be booked links to its
    training session, whose page holds the booking form."""

    kind = models.CharField(_("soort"), max_length=20, choices=EventKind.choices)
    start = models.DateTimeField(_("begint om"))
    end = models.DateTimeField(_("eindigt om"))
    location = models.CharField(
        _("plaats"), max_length=200, help_text=_("Een adres, of 'online'. Geen privéadressen.")
    )
    audience = models.CharField(_("voor wie"), max_length=200, blank=True)
    booking_session = models.ForeignKey(
        "training.TrainingSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_pages",
        verbose_name=_("inschrijven via sessie"),
        help_text=_(
            "De sessie waarvoor bezoekers zich inschrijven. Begin en einde komen dan uit de "
            "sessie, en de agenda toont de sessie niet nog eens apart."
        ),
    )

    # Only inside the agenda.
    parent_page_types = ["content.EventIndexPage"]
    subpage_types: ClassVar[list[str]] = []

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("booking_session"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("location"),
        FieldPanel("audience"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("activiteit")
        verbose_name_plural = _("activiteiten")

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        session = self.booking_session if self.booking_session_id else None
        if session is not None:
            self.start, self.end = session.starts_at, session.ends_at
            others = (
                EventPage.objects.filter(booking_session=session, locale_id=self.locale_id)
                .exclude(pk=self.pk)
                .exists()
            )
            if self.locale_id and others:
                raise ValidationError(
                    {
                        "booking_session": _(
                            "Een andere activiteit in de agenda verwijst al naar deze sessie."
                        )
                    }
                )
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("Het einde moet na het begin liggen.")})

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from content.agenda import booking_for

        context = super().get_context(request, *args, **kwargs)
        context["booking"] = booking_for(self)
        return context
