"""Risk assessment (risicotaxatie): the instrument as data, and the assessments made with it.

An instrument (``RiskInstrument``) is one version of a checklist: its questions by life
domain, each a risk or a protective factor with a weight, and the thresholds that turn the
weighted score into a level. It is data, loaded from a JSON file (``collaboration/instruments``,
``collaboration.risk_instruments``), never edited in place: a changed checklist is a new
version. An assessment (``RiskAssessment``) keeps a copy of the questions and thresholds it
used and its answers, so a later version never changes an old assessment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cases import Case, FamilyMember
from .text import text_field
from .vocabulary import LifeDomain


class RiskLevel(models.TextChoices):
    """Ordered from low to high (``RISK_ORDER``)."""

    LOW = "low", _("Laag")
    RAISED = "raised", _("Verhoogd")
    HIGH = "high", _("Hoog")


RISK_ORDER: dict[str, int] = {RiskLevel.LOW: 0, RiskLevel.RAISED: 1, RiskLevel.HIGH: 2}


class FactorKind(models.TextChoices):
    RISK = "risk", _("Risicofactor")
    PROTECTIVE = "protective", _("Beschermende factor")


class RiskAnswer(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nee")
    UNKNOWN = "unknown", _("Onbekend")


class RiskInstrument(models.Model):
    """One version of a risk checklist. Score = the weights of the risk factors answered "Ja"
    minus those of the protective factors answered "Ja"; at or above ``threshold_raised`` the
    level is raised, at or above ``threshold_high`` high."""

    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveSmallIntegerField(_("versie"))
    name = models.CharField(_("naam"), max_length=200)
    description = text_field(_("toelichting"), max_length=2000)
    threshold_raised = models.SmallIntegerField(_("drempel verhoogd"))
    threshold_high = models.SmallIntegerField(_("drempel hoog"))
    review_after_days = models.PositiveSmallIntegerField(
        _("opnieuw taxeren na (dagen)"), default=90
    )
    is_active = models.BooleanField(_("in gebruik"), default=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("risicotaxatie-instrument")
        verbose_name_plural = _("risicotaxatie-instrumenten")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="collab_instrument_version"),
            models.CheckConstraint(
                condition=models.Q(threshold_high__gt=models.F("threshold_raised")),
                name="collab_instrument_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code} v{self.version})"


class RiskQuestion(models.Model):
    instrument = models.ForeignKey(
        RiskInstrument, on_delete=models.CASCADE, related_name="questions"
    )
    key = models.SlugField(_("sleutel"), max_length=50)
    position = models.PositiveSmallIntegerField(_("volgorde"))
    domain = models.CharField(_("levensdomein"), max_length=20, choices=LifeDomain.choices)
    kind = models.CharField(_("soort factor"), max_length=12, choices=FactorKind.choices)
    text = models.CharField(_("vraag"), max_length=300)
    weight = models.PositiveSmallIntegerField(_("gewicht"), default=1)

    class Meta:
        verbose_name = _("vraag van een instrument")
        verbose_name_plural = _("vragen van een instrument")
        ordering = ["instrument", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"], name="collab_question_key"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id}:{self.key}"


class RiskAssessment(models.Model):
    """One assessment of a case, or of one person at risk in it; the versions of a subject
    (case, person) are numbered. ``snapshot`` holds the questions and thresholds as used,
    ``answers`` maps each question's key to a ``RiskAnswer``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    family_member = models.ForeignKey(
        FamilyMember,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="risk_assessments",
        verbose_name=_("persoon die gevaar loopt"),
    )
    version = models.PositiveSmallIntegerField(_("versie"))
    # the subject's latest version (set False on the previous one under the case's lock)
    is_current = models.BooleanField(default=True)
    instrument = models.ForeignKey(
        RiskInstrument, on_delete=models.PROTECT, related_name="assessments"
    )
    instrument_code = models.SlugField(max_length=50)
    instrument_version = models.PositiveSmallIntegerField()
    # {"name", "threshold_raised", "threshold_high", "questions": [{"key", "domain", "kind",
    #  "text", "weight"}, ...]}: the instrument as it was used
    snapshot = models.JSONField(default=dict)
    answers = models.JSONField(default=dict)
    score = models.SmallIntegerField(_("score"))
    computed_level = models.CharField(
        _("berekend niveau"), max_length=10, choices=RiskLevel.choices
    )
    final_level = models.CharField(_("niveau"), max_length=10, choices=RiskLevel.choices)
    override_reason = text_field(_("reden van het eigen oordeel"), max_length=2000)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_by_organisation = models.CharField(_("organisatie"), max_length=200, blank=True)
    assessed_at = models.DateTimeField(_("getaxeerd op"), auto_now_add=True)
    review_due_on = models.DateField(_("opnieuw taxeren tegen"))
    review_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("risicotaxatie")
        verbose_name_plural = _("risicotaxaties")
        ordering = ["assessed_at", "id"]
        indexes = [
            models.Index(fields=["case", "family_member", "version"]),
            models.Index(fields=["is_current", "review_due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(final_level=models.F("computed_level"))
                | ~models.Q(override_reason=""),
                name="collab_risk_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"risk #{self.pk} v{self.version}"

    @property
    def is_overridden(self) -> bool:
        return self.final_level != self.computed_level
