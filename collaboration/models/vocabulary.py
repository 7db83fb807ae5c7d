"""Shared vocabularies of case work (forms of violence, life domains, urgency)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ViolenceForm(models.TextChoices):
    CHILD_ABUSE = "child_abuse", _("Kindermishandeling")
    SIBLING = "sibling", _("Geweld tussen broers en zussen")
    PARENT_ABUSE = "parent_abuse", _("Oudermishandeling")
    PARTNER = "partner", _("Partnergeweld")
    ELDER_ABUSE = "elder_abuse", _("Ouderenmis(be)handeling")


class LifeDomain(models.TextChoices):
    HOUSING = "housing", _("Wonen")
    WORK_INCOME = "work_income", _("Werk en inkomen")
    HEALTH = "health", _("Gezondheid")
    PARENTING = "parenting", _("Opvoeding")
    FINANCES = "finances", _("Financiën")
    SUBSTANCE_USE = "substance_use", _("Middelengebruik")
    SAFETY = "safety", _("Veiligheid")
    JUSTICE = "justice", _("Justitie")
    SCHOOL = "school", _("School")
    SOCIAL_NETWORK = "social_network", _("Sociaal netwerk")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Gewoon")
    HIGH = "high", _("Dringend")
    CRISIS = "crisis", _("Crisis: acuut onveilig")


REGION_CODES: dict[str, str] = {
    "limburg": "LIM",
    "kempen": "KEM",
    "antwerpen": "ANT",
    "mechelen": "MEC",
    "leuven": "LEU",
    "halle-vilvoorde": "HVV",
    "oost-vlaanderen": "OVL",
    "noord-west-vlaanderen": "NWV",
    "zuid-west-vlaanderen": "ZWV",
}
