"""Organisations (partner services) and the people who work for them: the ground floor that
the training side, the public side and the collaboration side all stand on.

A membership is what gives a person collaboration rights, and with them the duty to use a
second factor (see ``portal.security.policy``). The tables keep the names they had when these
models lived in ``collaboration`` (``Meta.db_table``), so moving them changed no data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    """Sector matters for information sharing between partners."""

    WELFARE = "welfare", _("Welzijn")
    HEALTH = "health", _("Gezondheid")
    POLICE = "police", _("Politie")
    JUSTICE = "justice", _("Justitie")
    EDUCATION = "education", _("Onderwijs")
    OTHER = "other", _("Andere")


class Region(models.TextChoices):
    """The nine Veilig Huis centres."""

    LIMBURG = "limburg", "Limburg"
    KEMPEN = "kempen", "Kempen"
    ANTWERPEN = "antwerpen", "Antwerpen"
    MECHELEN = "mechelen", "Mechelen"
    LEUVEN = "leuven", "Leuven"
    HALLE_VILVOORDE = "halle-vilvoorde", "Halle-Vilvoorde"
    OOST_VLAANDEREN = "oost-vlaanderen", "Oost-Vlaanderen"
    NOORD_WEST_VLAANDEREN = "noord-west-vlaanderen", "Noord-West-Vlaanderen"
    ZUID_WEST_VLAANDEREN = "zuid-west-vlaanderen", "Zuid-West-Vlaanderen"


class OrganisationKind(models.TextChoices):
    """The chain partners of the Ketenaanpak IFG, Veilig Huis itself, and others seen in cases."""

    VEILIG_HUIS = "veilig_huis", _("Veilig Huis")
    KIND_EN_GEZIN = "kg", _("Kind en Gezin")
    VERTROUWENSCENTRUM = "vk", _("Vertrouwenscentrum Kindermishandeling")
    OCJ_SDJ = "ocj_sdj", _("Ondersteuningscentrum Jeugdzorg / Sociale Dienst Jeugdrechtbank")
    OCMW = "ocmw", _("OCMW")
    CAW = "caw", _("Centrum Algemeen Welzijnswerk")
    CGG = "cgg", _("Centrum Geestelijke Gezondheidszorg")
    POLICE = "police", _("Politie")
    PROSECUTION = "parket", _("Parket")
    JUSTICE_HOUSE = "justitiehuis", _("Justitiehuis")
    CLB = "clb", _("Centrum voor Leerlingenbegeleiding")
    SCHOOL = "school", _("School")
    HOUSING = "housing", _("Huisvestingsmaatschappij")
    DEBT_COUNSELLING = "debt", _("Schuldbemiddeling")
    OTHER = "other", _("Andere dienst")


class Organisation(models.Model):
    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort dienst"), max_length=20, choices=OrganisationKind.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    region = models.CharField(_("regio"), max_length=30, choices=Region.choices)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        db_table = "collaboration_organisation"
        verbose_name = _("partnerdienst")
        verbose_name_plural = _("partnerdiensten")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coördinator Veilig Huis")
    CASE_DIRECTOR = "case_director", _("Casusregisseur")
    PARTNER = "partner", _("Partnerprofessional")
    PRIVACY_OFFICER = "privacy_officer", _("Privacyverantwoordelijke")
    ORGANISATION_ADMIN = "org_admin", _("Beheerder van de organisatie")


class Membership(models.Model):
    """A person's role in an organisation. Deactivating it withdraws collaboration rights."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("persoon"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisatie"),
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        db_table = "collaboration_membership"
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="collab_membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.organisation})"


class Invitation(models.Model):
    """An e-mail invitation to join an organisation with a role. Only the token's hash is stored.

    Membership of an organisation is the organisation's own decision: an invitation from an
    admin of that organisation (or from a coordinator into their own Veilig Huis) grants the
    role on acceptance; any other invitation (a coordinator inviting into a partner service)
    ``needs_approval``: accepting it creates the account but no membership, until an admin of
    that organisation approves (``approved_at``) or refuses (``revoked_at``).
    """

    email = models.EmailField(_("e-mailadres"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invitations"
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    needs_approval = models.BooleanField(_("wacht op goedkeuring"), default=False)
    approved_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "collaboration_invitation"
        verbose_name = _("uitnodiging")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation #{self.pk}"
