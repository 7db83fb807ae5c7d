"""The vocabulary views and templates name: the choices (``TextChoices``) and constants of case
work, without the models.

Views import no models module (``tests/architecture/test_import_rules.py``); what they need of
the models' vocabulary, a phase to compare with or the labels of a choice, they import from here.
The models define these values (their fields and migrations use them); this module only
re-exports them, so each value still has one definition.
"""

from __future__ import annotations

from .models import (
    CLOSURE_CRITERIA,
    ConsultStatus,
    CorrectedKind,
    FlagKind,
    HeldDecision,
    LifeDomain,
    MeetingStatus,
    Phase,
    RectificationStatus,
    ReferralStatus,
    SubjectAccessStatus,
    Urgency,
    ViolenceForm,
)

__all__ = [
    "CLOSURE_CRITERIA",
    "ConsultStatus",
    "CorrectedKind",
    "FlagKind",
    "HeldDecision",
    "LifeDomain",
    "MeetingStatus",
    "Phase",
    "RectificationStatus",
    "ReferralStatus",
    "SubjectAccessStatus",
    "Urgency",
    "ViolenceForm",
]
