"""Cases (dossiers) under intensive case direction: family, participants, phases, closure."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisations import Organisation, Region
from .sharing import shared_under
from .text import text_field as _text


class Phase(models.TextChoices):
    EXPLORATION = "exploration", _("Exploratiefase")
    EXECUTION = "execution", _("Uitvoeringsfase")
    COMPLETION = "completion", _("Afronding")
    CLOSED = "closed", _("Afgesloten")


class CriterionAnswer(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nee")


# The five closure criteria (afrondingscriteria) of the source, in its order.
CLOSURE_CRITERIA: tuple[tuple[str, str], ...] = (
    ("criterion_no_new_violence", _("Geen nieuw intrafamiliaal geweld")),
    ("criterion_progress", _("Er is vooruitgang geboekt")),
    ("criterion_help_running", _("De hulpverlening loopt")),
    ("criterion_everyone_knows", _("Iedereen kent elkaar")),
    ("criterion_clients_know_whom", _("Cliënten weten bij wie ze voor wat terecht kunnen")),
)


class Case(models.Model):
    reference = models.CharField(_("dossiernummer"), max_length=20, unique=True)
    region = models.CharField(_("regio"), max_length=30, choices=Region.choices)
    phase = models.CharField(
        _("fase"), max_length=12, choices=Phase.choices, default=Phase.EXPLORATION
    )
    case_director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="directed_cases",
        verbose_name=_("casusregisseur"),
    )
    referral = models.OneToOneField(
        "collaboration.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
        verbose_name=_("aanmelding"),
    )
    opened_at = models.DateTimeField(_("geopend op"), auto_now_add=True)
    phase_changed_at = models.DateTimeField(_("fase gewijzigd op"), auto_now_add=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    closing_summary = models.TextField(
        _("samenvatting bij afsluiting"),
        blank=True,
        max_length=5000,
        validators=[MaxLengthValidator(5000)],
    )
    contact_card = models.TextField(
        _("wie contacteren voor wat"),
        blank=True,
        max_length=3000,
        validators=[MaxLengthValidator(3000)],
        help_text=_("Een overzicht voor het gezin: welke dienst of persoon voor welke vraag."),
    )
    criterion_no_new_violence = models.CharField(
        CLOSURE_CRITERIA[0][1], max_length=3, choices=CriterionAnswer.choices, blank=True
    )
    criterion_progress = models.CharField(
        CLOSURE_CRITERIA[1][1], max_length=3, choices=CriterionAnswer.choices, blank=True
    )
    criterion_help_running = models.CharField(
        CLOSURE_CRITERIA[2][1], max_length=3, choices=CriterionAnswer.choices, blank=True
    )
    criterion_everyone_knows = models.CharField(
        CLOSURE_CRITERIA[3][1], max_length=3, choices=CriterionAnswer.choices, blank=True
    )
    criterion_clients_know_whom = models.CharField(
        CLOSURE_CRITERIA[4][1], max_length=3, choices=CriterionAnswer.choices, blank=True
    )
    reopen_count = models.PositiveSmallIntegerField(_("aantal keer heropend"), default=0)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["region", "phase"]),
            models.Index(fields=["case_director", "phase"]),
            # the dashboard's "last changed first" list: read in index order until 20 visible
            # open cases are found, instead of sorting every visible case (a region: thousands)
            models.Index(fields=["-phase_changed_at", "-id"], name="collab_case_recent_phase"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phase__in=Phase.values), name="collab_case_phase_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(phase="closed") | ~models.Q(closing_summary=""),
                name="collab_case_closed_has_summary",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.phase == Phase.CLOSED


class CaseCounter(models.Model):
    """Next number per region and year, locked while a reference is handed out."""

    region = models.CharField(max_length=30, choices=Region.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="collab_casecounter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}: {self.last_number}"


class FamilyRole(models.TextChoices):
    MOTHER = "mother", _("Moeder")
    FATHER = "father", _("Vader")
    PARENT = "parent", _("Ouder")
    PARTNER = "partner", _("Partner")
    CHILD = "child", _("Kind")
    ADULT_CHILD = "adult_child", _("Meerderjarig kind")
    GRANDPARENT = "grandparent", _("Grootouder")
    OTHER = "other", _("Ander gezinslid")


class FamilyMember(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="family_members")
    name = models.CharField(_("naam"), max_length=150)
    birth_year = models.PositiveSmallIntegerField(
        _("geboortejaar"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    family_role = models.CharField(_("rol in het gezin"), max_length=20, choices=FamilyRole.choices)
    # A removed family member keeps its row (the retention run anonymises or erases it with the
    # case); current lists leave it out (services.cases.family_member_remove).
    removed_at = models.DateTimeField(_("verwijderd op"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = _text(_("reden van verwijdering"), max_length=2000)

    class Meta:
        verbose_name = _("gezinslid")
        verbose_name_plural = _("gezinsleden")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class CaseParticipant(models.Model):
    """A professional assigned to a case for an organisation, with a role and task division."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_participations",
        verbose_name=_("professional"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie")
    )
    role_in_case = models.CharField(_("rol in het dossier"), max_length=150)
    task_division = models.TextField(
        _("taakverdeling"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    is_active = models.BooleanField(_("actief"), default=True)
    added_at = models.DateTimeField(_("toegevoegd op"), auto_now_add=True)
    # Removed from the case (is_active False in the same transaction): who, when and why
    # (services.cases.participant_remove); adding the person again clears them.
    removed_at = models.DateTimeField(_("verwijderd op"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = _text(_("reden van verwijdering"), max_length=2000)
    legal_basis = shared_under()

    class Meta:
        verbose_name = _("betrokken professional")
        verbose_name_plural = _("betrokken professionals")
        ordering = ["organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="collab_participant_unique"),
        ]
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class PhaseTransition(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_phase = models.CharField(max_length=12, choices=Phase.choices)
    to_phase = models.CharField(max_length=12, choices=Phase.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True, max_length=2000, validators=[MaxLengthValidator(2000)])
    occurred_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_phase} -> {self.to_phase}"


class BreakGlassAccess(models.Model):
    """A privacy officer's emergency access to one case, with a written justification."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    justification = models.TextField(max_length=2000, validators=[MaxLengthValidator(2000)])
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "case", "expires_at"])]

    def __str__(self) -> str:
        return f"break-glass #{self.pk}"
