"""The rights of the people a case is about (GDPR art. 15, 16, 18 and 21; LED art. 14-16).

* ``SubjectAccessRequest``: a request for access, registered by a privacy officer of the region,
  with who asked, for whom, how their identity was checked and the legal deadline. The portal
  assembles what is about that person only (``assembled``, a snapshot); police and justice items
  are ``SubjectAccessHeldItem`` rows until an officer decides on each; a second officer releases
  the export (``export`` and ``export_pdf``).
* ``RectificationRequest``: a request to correct or annotate an entry, or an objection, linked
  to the person, the entry and, once made, the correction in the change history.
* ``ProcessingRestriction``: restriction of processing of a whole case or one timeline entry;
  restricted entries are shown only to the case director and a privacy officer.

The workflow is ``collaboration.subject_access``; these rows are what it leaves behind.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cases import Case, FamilyMember
from .documents import CaseDocument
from .organisations import Region
from .plans import Action, Goal
from .timeline import TimelineEntry


def _text(label: str, *, blank: bool = True, max_length: int = 2000) -> models.TextField:
    return models.TextField(
        label, blank=blank, max_length=max_length, validators=[MaxLengthValidator(max_length)]
    )


class SubjectAccessStatus(models.TextChoices):
    REGISTERED = "registered", _("Geregistreerd")
    ASSEMBLED = "assembled", _("Samengesteld, wacht op vrijgave")
    RELEASED = "released", _("Vrijgegeven")


class RequesterRelation(models.TextChoices):
    SELF = "self", _("De betrokkene zelf")
    PARENT = "parent", _("Ouder of voogd van een minderjarige betrokkene")
    REPRESENTATIVE = "representative", _("Wettelijke vertegenwoordiger")
    LAWYER = "lawyer", _("Advocaat met volmacht")
    OTHER = "other", _("Iemand anders met een schriftelijke volmacht")


class IdentityCheck(models.TextChoices):
    ID_CARD_SHOWN = "id_card_shown", _("Identiteitskaart getoond in een gesprek")
    EID_READ = "eid_read", _("Elektronische identiteitskaart uitgelezen")
    ITSME = "itsme", _("Aangemeld met itsme")
    KNOWN_IN_PERSON = "known_in_person", _("Persoonlijk gekend door de hulpverlener")
    DOCUMENT_COPY = "document_copy", _("Kopie van een identiteitsbewijs, daarna vernietigd")
    OTHER = "other", _("Op een andere manier (zie toelichting)")


class SubjectAccessRequest(models.Model):
    """One request for access, for one family member of a case or one professional (a user)."""

    region = models.CharField(_("regio"), max_length=30, choices=Region.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SubjectAccessStatus.choices,
        default=SubjectAccessStatus.REGISTERED,
    )
    requester_name = models.CharField(_("naam van de aanvrager"), max_length=150)
    requester_relation = models.CharField(
        _("aanvrager is"), max_length=20, choices=RequesterRelation.choices
    )
    family_member = models.ForeignKey(
        FamilyMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subject_access_requests",
        verbose_name=_("gezinslid"),
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subject_access_requests",
        verbose_name=_("professional"),
    )
    identity_checked_by = models.CharField(_("identiteit nagekeken door"), max_length=150)
    identity_check = models.CharField(
        _("manier van nakijken"), max_length=20, choices=IdentityCheck.choices
    )
    identity_note = _text(_("toelichting bij het nakijken"), max_length=1000)
    received_on = models.DateField(_("ontvangen op"))
    deadline = models.DateField(_("wettelijke termijn"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("geregistreerd door"),
    )
    registered_at = models.DateTimeField(_("geregistreerd op"), auto_now_add=True)
    assembled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("samengesteld door"),
    )
    assembled_at = models.DateTimeField(_("samengesteld op"), null=True, blank=True)
    # The snapshot: what is about the person, names of others already redacted; held items
    # are in SubjectAccessHeldItem until decided.
    assembled = models.JSONField(_("samenstelling"), default=dict, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vrijgegeven door"),
    )
    released_at = models.DateTimeField(_("vrijgegeven op"), null=True, blank=True)
    export = models.JSONField(_("export (JSON)"), default=dict, blank=True)
    export_pdf = models.BinaryField(_("export (PDF)"), default=b"", blank=True)
    reminded_on = models.DateField(_("herinnering verstuurd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("inzageverzoek")
        verbose_name_plural = _("inzageverzoeken")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["region", "status", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(family_member__isnull=False, subject_user__isnull=True)
                | models.Q(family_member__isnull=True, subject_user__isnull=False),
                name="collab_sar_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Inzageverzoek')} {self.pk}"

    @property
    def case(self) -> Case | None:
        return self.family_member.case if self.family_member_id else None

    @property
    def is_released(self) -> bool:
        return self.status == SubjectAccessStatus.RELEASED

    def days_left(self, today: dt.date) -> int:
        """Calendar days until the deadline (0 on the day itself, negative once past)."""
        return (self.deadline - today).days


class HeldDecision(models.TextChoices):
    PENDING = "pending", _("Nog te beslissen")
    RELEASE = "release", _("Vrijgeven")
    WITHHOLD = "withhold", _("Niet vrijgeven")


class SubjectAccessHeldItem(models.Model):
    """A police or justice item of the assembly, held back until an officer decides on it."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="held_items"
    )
    key = models.CharField(max_length=60)
    timeline_entry = models.ForeignKey(
        TimelineEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tijdlijnitem"),
    )
    document = models.ForeignKey(
        CaseDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )
    section = models.CharField(_("onderdeel"), max_length=100)
    # The item as it would appear in the export (labels to values, names already redacted).
    content = models.JSONField(_("inhoud"), default=dict)
    why_held = models.CharField(_("waarom tegengehouden"), max_length=300)
    decision = models.CharField(
        _("beslissing"), max_length=10, choices=HeldDecision.choices, default=HeldDecision.PENDING
    )
    reason = _text(_("reden"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslist door"),
    )
    decided_at = models.DateTimeField(_("beslist op"), null=True, blank=True)

    class Meta:
        verbose_name = _("tegengehouden gegeven")
        verbose_name_plural = _("tegengehouden gegevens")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "key"], name="collab_sar_held_unique"),
            models.CheckConstraint(
                condition=~models.Q(decision="withhold") | ~models.Q(reason=""),
                name="collab_sar_withhold_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class RestrictionScope(models.TextChoices):
    CASE = "case", _("Het hele dossier")
    ENTRY = "entry", _("Eén tijdlijnitem")


class ProcessingRestriction(models.Model):
    """Restriction of processing (GDPR art. 18): the case's entries, or one entry, are shown
    only to the case director and a privacy officer until the restriction is lifted."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("dossier")
    )
    timeline_entry = models.ForeignKey(
        TimelineEntry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tijdlijnitem"),
    )
    reason = _text(_("reden van de beperking"), blank=False)
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("beperkt door"),
    )
    restricted_at = models.DateTimeField(_("beperkt op"), auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opgeheven door"),
    )
    lifted_at = models.DateTimeField(_("opgeheven op"), null=True, blank=True)
    lift_reason = _text(_("reden van de opheffing"))

    class Meta:
        verbose_name = _("beperking van de verwerking")
        verbose_name_plural = _("beperkingen van de verwerking")
        ordering = ["-restricted_at", "-id"]
        indexes = [models.Index(fields=["case", "lifted_at"], name="collab_restriction_case")]

    def __str__(self) -> str:
        return f"{_('Beperking')} {self.pk}"

    @property
    def scope(self) -> str:
        return RestrictionScope.ENTRY if self.timeline_entry_id else RestrictionScope.CASE

    def get_scope_display(self) -> str:
        return str(RestrictionScope(self.scope).label)


class RectificationKind(models.TextChoices):
    CORRECT = "correct", _("Rechtzetting: een gegeven is onjuist")
    ANNOTATE = "annotate", _("Aantekening: de persoon wil een eigen verklaring toevoegen")
    OBJECT = "object", _("Bezwaar tegen de verwerking")


class RectificationStatus(models.TextChoices):
    RECEIVED = "received", _("Ontvangen")
    CORRECTED = "corrected", _("Rechtgezet")
    ANNOTATED = "annotated", _("Aantekening toegevoegd")
    RESTRICTED = "restricted", _("Verwerking beperkt")
    REFUSED = "refused", _("Geweigerd")


class RectificationRequest(models.Model):
    """A person's request to correct or annotate an entry of their case, or their objection;
    linked to the correction (a change in the history) once it is made."""

    family_member = models.ForeignKey(
        FamilyMember,
        on_delete=models.PROTECT,
        related_name="rectification_requests",
        verbose_name=_("gezinslid"),
    )
    subject_access = models.ForeignKey(
        SubjectAccessRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectifications",
        verbose_name=_("inzageverzoek"),
    )
    kind = models.CharField(_("soort verzoek"), max_length=10, choices=RectificationKind.choices)
    timeline_entry = models.ForeignKey(
        TimelineEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tijdlijnitem"),
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("doel"),
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actie"),
    )
    request_text = _text(_("wat de persoon vraagt"), blank=False, max_length=4000)
    received_on = models.DateField(_("ontvangen op"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("geregistreerd door"),
    )
    registered_at = models.DateTimeField(_("geregistreerd op"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RectificationStatus.choices,
        default=RectificationStatus.RECEIVED,
    )
    decision_text = _text(_("aantekening of reden"), max_length=4000)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgehandeld door"),
    )
    handled_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)
    # The change of the entry that made the correction (django-auditlog's change history).
    correction = models.ForeignKey(
        "auditlog.LogEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("correctie"),
    )
    restriction = models.ForeignKey(
        ProcessingRestriction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectifications",
        verbose_name=_("beperking"),
    )

    class Meta:
        verbose_name = _("verzoek tot rechtzetting of bezwaar")
        verbose_name_plural = _("verzoeken tot rechtzetting of bezwaar")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{_('Verzoek tot rechtzetting')} {self.pk}"

    @property
    def target(self) -> TimelineEntry | Goal | Action | None:
        return self.timeline_entry or self.goal or self.action
