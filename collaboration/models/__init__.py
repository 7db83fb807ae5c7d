"""Models of the collaboration side, one module per idea; import them from here."""

from .approvals import Approval, ApprovalStatus, ApprovalSubject
from .cases import (
    CLOSURE_CRITERIA,
    BreakGlassAccess,
    Case,
    CaseCounter,
    CaseParticipant,
    CriterionAnswer,
    FamilyMember,
    FamilyRole,
    Phase,
    PhaseTransition,
)
from .closure import ClosureRequest, ClosureStatus
from .consults import ConsultRequest, ConsultStatus
from .corrections import CorrectedKind, Correction
from .documents import Audience, CaseDocument
from .flags import Flag, FlagKind, FlagReceipt
from .legal_bases import (
    BasisKind,
    ConsentRecord,
    ConsultationFramework,
    FamilyInformed,
    LegalBasis,
    UrgentReview,
)
from .meetings import Meeting, MeetingKind, MeetingStatus
from .notifications import Notification
from .organisations import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Region,
    Role,
    Sector,
)
from .plans import Action, ActionPlan, ActionStatus, DomainAssessment, Goal
from .referrals import FamilyKnows, Referral, ReferralStatus
from .retention import RetentionRun, RetentionRunStatus
from .risk import (
    RISK_ORDER,
    FactorKind,
    RiskAnswer,
    RiskAssessment,
    RiskInstrument,
    RiskLevel,
    RiskQuestion,
)
from .safety_plans import SAFETY_PLAN_FIELDS, SAFETY_PLAN_LABELS, SafetyPlan
from .subject_access import (
    HeldDecision,
    IdentityCheck,
    ProcessingRestriction,
    RectificationKind,
    RectificationRequest,
    RectificationStatus,
    RequesterRelation,
    RestrictionScope,
    SubjectAccessHeldItem,
    SubjectAccessRequest,
    SubjectAccessStatus,
)
from .timeline import EntryKind, TimelineEntry, Visibility
from .vocabulary import REGION_CODES, LifeDomain, Urgency, ViolenceForm

__all__ = [
    "CLOSURE_CRITERIA",
    "REGION_CODES",
    "RISK_ORDER",
    "SAFETY_PLAN_FIELDS",
    "SAFETY_PLAN_LABELS",
    "Action",
    "ActionPlan",
    "ActionStatus",
    "Approval",
    "ApprovalStatus",
    "ApprovalSubject",
    "Audience",
    "BasisKind",
    "BreakGlassAccess",
    "Case",
    "CaseCounter",
    "CaseDocument",
    "CaseParticipant",
    "ClosureRequest",
    "ClosureStatus",
    "ConsentRecord",
    "ConsultRequest",
    "ConsultStatus",
    "ConsultationFramework",
    "CorrectedKind",
    "Correction",
    "CriterionAnswer",
    "DomainAssessment",
    "EntryKind",
    "FactorKind",
    "FamilyInformed",
    "FamilyKnows",
    "FamilyMember",
    "FamilyRole",
    "Flag",
    "FlagKind",
    "FlagReceipt",
    "Goal",
    "HeldDecision",
    "IdentityCheck",
    "Invitation",
    "LegalBasis",
    "LifeDomain",
    "Meeting",
    "MeetingKind",
    "MeetingStatus",
    "Membership",
    "Notification",
    "Organisation",
    "OrganisationKind",
    "Phase",
    "PhaseTransition",
    "ProcessingRestriction",
    "RectificationKind",
    "RectificationRequest",
    "RectificationStatus",
    "Referral",
    "ReferralStatus",
    "Region",
    "RequesterRelation",
    "RestrictionScope",
    "RetentionRun",
    "RetentionRunStatus",
    "RiskAnswer",
    "RiskAssessment",
    "RiskInstrument",
    "RiskLevel",
    "RiskQuestion",
    "Role",
    "SafetyPlan",
    "Sector",
    "SubjectAccessHeldItem",
    "SubjectAccessRequest",
    "SubjectAccessStatus",
    "TimelineEntry",
    "Urgency",
    "UrgentReview",
    "ViolenceForm",
    "Visibility",
]
