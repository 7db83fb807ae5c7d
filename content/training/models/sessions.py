"""Training and peer-support sessions, and registrations with a waitlist.

Capacity is enforced in ``services.sessions`` under a row lock on the session (PostgreSQL
``SELECT … FOR UPDATE``); ``CONFIRMED`` and ``OFFERED`` registrations hold a place.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel


class SessionKind(models.TextChoices):
    IN_PERSON = "in_person", _("Vorming ter plaatse")
    ONLINE = "online", _("Online vorming")
    PEER_SUPPORT = "peer_support", _("Lotgenotensessie")


class TrainingSession(models.Model):
    kind = models.CharField(_("soort"), max_length=20, choices=SessionKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    course = models.ForeignKey(
        "training.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("bij cursus"),
    )
    starts_at = models.DateTimeField(_("begint op"))
    ends_at = models.DateTimeField(_("eindigt op"))
    location = models.CharField(
        _("plaats"),
        max_length=200,
        help_text=_(
            "Wat iedereen ziet: een stad of 'online'. Een adres dat niet openbaar mag zijn, "
            "hoort in het veld 'adres voor ingeschrevenen'."
        ),
    )
    # Never on a page, in the agenda, the iCal feed or the admin list: only in the confirmation,
    # the reminder and the update mail to confirmed registrations (``content.training.emails``).
    private_address = models.TextField(
        _("adres voor ingeschrevenen"),
        max_length=500,
        blank=True,
        help_text=_(
            "Alleen in de bevestigingsmail en de herinnering voor wie een bevestigde plaats "
            "heeft; nooit op de website. Wijzigt u het, dan krijgen de ingeschrevenen een "
            "bericht met het nieuwe adres."
        ),
    )
    online_link = models.URLField(
        _("link voor online sessie"),
        blank=True,
        help_text=_("Alleen in de bevestigingsmail voor wie een plaats heeft."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("aantal plaatsen"), validators=[MinValueValidator(1)]
    )
    training_hours = models.DecimalField(
        _("vormingsuren bij aanwezigheid"), max_digits=4, decimal_places=1, default=Decimal("0")
    )
    registration_open = models.BooleanField(_("inschrijving open"), default=True)
    retention_days = models.PositiveSmallIntegerField(
        _("bewaartermijn inschrijvingen (dagen na de sessie)"),
        default=30,
        help_text=_("Voor lotgenotensessies: daarna worden de inschrijvingen gewist."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("course"),
        MultiFieldPanel(
            [
                FieldPanel("starts_at"),
                FieldPanel("ends_at"),
                FieldPanel("location"),
                FieldPanel("private_address"),
                FieldPanel("online_link"),
            ],
            heading=_("Wanneer en waar"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldPanel("registration_open"),
                FieldPanel("training_hours"),
                FieldPanel("retention_days"),
            ],
            heading=_("Inschrijving"),
        ),
    ]

    class Meta:
        verbose_name = _("sessie")
        verbose_name_plural = _("sessies")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="training_session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="training_session_capacity_ge_1"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_peer_support(self) -> bool:
        return self.kind == SessionKind.PEER_SUPPORT

    @property
    def places_left(self) -> int | None:
        """Free places, when the query annotated ``places_taken`` (see ``selectors``)."""
        taken = getattr(self, "places_taken", None)
        return None if taken is None else max(self.capacity - taken, 0)

    @property
    def purge_after(self) -> datetime:
        return self.ends_at + timedelta(days=self.retention_days)


def _new_nonce() -> str:
    return secrets.token_hex(16)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Ingeschreven")
    WAITLISTED = "waitlisted", _("Op de wachtlijst")
    OFFERED = "offered", _("Plaats aangeboden")
    CANCELLED = "cancelled", _("Geannuleerd")
    OFFER_EXPIRED = "offer_expired", _("Aanbod verlopen")


HOLDS_A_PLACE = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)
ACTIVE = (*HOLDS_A_PLACE, RegistrationStatus.WAITLISTED)


class SessionRegistration(models.Model):
    """A place (or a place on the waitlist). For peer support only a first name or pseudonym and
    an e-mail address are kept, and only until the retention period after the session."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="session_registrations",
    )
    display_name = models.CharField(_("naam of schuilnaam"), max_length=80)
    email = models.EmailField(_("e-mailadres"))
    status = models.CharField(max_length=20, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    # The e-mailed link carries an HMAC of (id, nonce) under SECRET_KEY: a task can rebuild the
    # link from the database alone, a database reader cannot forge one, and a new nonce voids it.
    link_nonce = models.CharField(max_length=32, default=_new_nonce, editable=False)
    attended = models.BooleanField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inschrijving voor een sessie")
        verbose_name_plural = _("inschrijvingen voor sessies")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "session",
                Lower("email"),
                condition=Q(status__in=[s.value for s in ACTIVE]),
                name="training_registration_one_active_per_email",
            ),
        ]
        indexes = [models.Index(fields=["session", "status"], name="training_reg_session_status")]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.get_status_display()}"
