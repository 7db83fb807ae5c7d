"""What NEN 7513 asks of every audit event beyond who, when and what: the access rule that
granted it, the data life-cycle step, a sensitivity code, the emergency flag and, for a sharing
act, its legal basis.

The life-cycle step, the default sensitivity and the legal basis of a sharing act follow from
the action, so they are derived here in one table (``ACTION_CLASSES``) instead of at ninety call
sites. ``tests/audit/test_classification.py`` fails on an action code without a row, so a new
code cannot reach the trail unclassified by accident; at run time an unlisted code still gets a
cautious class from its hundred (``_BY_HUNDRED``) rather than a server error.

The access rule is decided where access is decided (``collaboration.access.case_basis`` for case
data, ``portal.audit.access`` for the audit area) and passed to the writer; these codes are its
vocabulary on the ground floor, so ``portal`` does not import ``collaboration``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .events import AuditAction, Outcome


class AccessRule(models.TextChoices):
    """Why the actor was allowed to do what the event records. The first four are the values
    of ``collaboration.access.Basis`` (the rule of case data), so a basis is passed as is."""

    CASE_DIRECTOR = "case_director", _("casusregisseur van het dossier")
    PARTICIPANT = "participant", _("betrokken partner in het dossier")
    COORDINATOR = "coordinator", _("coördinator van de regio")
    BREAK_THE_GLASS = "break_the_glass", _("noodtoegang")
    PRIVACY_OFFICER = "privacy_officer", _("privacyverantwoordelijke van de regio")
    ORGANISATION_ADMIN = "org_admin", _("beheerder van de organisatie")
    SELF = "self", _("eigen account of eigen gegevens")
    SYSTEM = "system", _("het portaal zelf (geplande taak)")
    NONE = "none", _("geen: geweigerd")


class Lifecycle(models.TextChoices):
    """The data life-cycle step (NEN 7513 ``ParticipantObjectDataLifeCycle``)."""

    CREATE = "create", _("aanmaken")
    READ = "read", _("inzien")
    UPDATE = "update", _("wijzigen")
    EXPORT = "export", _("exporteren")
    DELETE = "delete", _("verwijderen")


class Sensitivity(models.TextChoices):
    """HL7 v3 confidentiality codes (NEN 7513 ``ParticipantObjectSensitivity``): account data
    is normal, case data restricted, an emergency access or a whole person's file very
    restricted."""

    NORMAL = "N", _("normaal")
    RESTRICTED = "R", _("beperkt")
    VERY_RESTRICTED = "V", _("zeer beperkt")


class LegalBasis(models.TextChoices):
    """The legal basis of a sharing act (``docs/privacy.md``, controllers and legal bases)."""

    CHAIN_PUBLIC_TASK = (
        "public_task_chain",
        _(
            "taak van algemeen belang: decreet Veilig Huis en samenwerkingsakkoord "
            "(art. 6.1.e en 9.2.g en h AVG)"
        ),
    )
    SUBJECT_ACCESS = "gdpr_art15", _("recht op inzage van de betrokkene (art. 15 AVG)")


@dataclass(frozen=True)
class ActionClass:
    lifecycle: Lifecycle
    sensitivity: Sensitivity
    # Set for the actions that share data with someone else: the basis they rest on.
    legal_basis: LegalBasis | None = None


A = AuditAction
L = Lifecycle
S = Sensitivity
_CHAIN = LegalBasis.CHAIN_PUBLIC_TASK

ACTION_CLASSES: dict[AuditAction, ActionClass] = {
    # Accounts and sign-in: the person's own account data.
    A.SIGN_IN_SUCCEEDED: ActionClass(L.READ, S.NORMAL),
    A.SIGN_IN_FAILED: ActionClass(L.READ, S.NORMAL),
    A.SECOND_FACTOR_SUCCEEDED: ActionClass(L.READ, S.NORMAL),
    A.SECOND_FACTOR_FAILED: ActionClass(L.READ, S.NORMAL),
    A.LOCKED_OUT: ActionClass(L.UPDATE, S.NORMAL),
    A.SIGNED_OUT: ActionClass(L.UPDATE, S.NORMAL),
    A.SIGNED_OUT_EVERYWHERE: ActionClass(L.UPDATE, S.NORMAL),
    A.SESSION_EXPIRED: ActionClass(L.UPDATE, S.NORMAL),
    A.DEVICE_ADDED: ActionClass(L.CREATE, S.NORMAL),
    A.DEVICE_REMOVED: ActionClass(L.DELETE, S.NORMAL),
    A.BACKUP_CODES_RENEWED: ActionClass(L.UPDATE, S.NORMAL),
    A.PASSWORD_CHANGED: ActionClass(L.UPDATE, S.NORMAL),
    A.PASSWORD_RESET: ActionClass(L.UPDATE, S.NORMAL),
    A.INVITATION_SENT: ActionClass(L.CREATE, S.NORMAL),
    A.INVITATION_ACCEPTED: ActionClass(L.CREATE, S.NORMAL),
    A.MEMBER_DEACTIVATED: ActionClass(L.UPDATE, S.NORMAL),
    A.MEMBER_APPROVED: ActionClass(L.UPDATE, S.NORMAL),
    A.MEMBER_REFUSED: ActionClass(L.UPDATE, S.NORMAL),
    A.LEARNER_DATA_DOWNLOADED: ActionClass(L.EXPORT, S.NORMAL),
    A.ACCOUNT_ERASED: ActionClass(L.DELETE, S.NORMAL),
    # Reading case data.
    A.CASE_VIEWED: ActionClass(L.READ, S.RESTRICTED),
    A.CASE_LIST_VIEWED: ActionClass(L.READ, S.RESTRICTED),
    A.CASE_SEARCHED: ActionClass(L.READ, S.RESTRICTED),
    A.DOCUMENT_DOWNLOADED: ActionClass(L.EXPORT, S.RESTRICTED),
    A.EXPORTED: ActionClass(L.EXPORT, S.RESTRICTED),
    A.PRINTED: ActionClass(L.EXPORT, S.RESTRICTED),
    A.LIVE_NOTES_JOINED: ActionClass(L.READ, S.RESTRICTED),
    A.REFERRAL_VIEWED: ActionClass(L.READ, S.RESTRICTED),
    A.CONSULT_VIEWED: ActionClass(L.READ, S.RESTRICTED),
    A.BREAK_THE_GLASS: ActionClass(L.READ, S.VERY_RESTRICTED),
    A.AUDIT_VIEWED: ActionClass(L.READ, S.RESTRICTED),
    A.TRAINING_REPORT_VIEWED: ActionClass(L.READ, S.NORMAL),
    # Changing case data. A referral and a new participant share the case with others.
    A.CASE_CHANGED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.LIVE_NOTES_UPDATED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.REFERRAL_SUBMITTED: ActionClass(L.CREATE, S.RESTRICTED, _CHAIN),
    A.REFERRAL_ACCEPTED: ActionClass(L.CREATE, S.RESTRICTED, _CHAIN),
    A.REFERRAL_DECLINED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.CASE_PHASE_CHANGED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.CASE_CLOSED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.CASE_REOPENED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.DOCUMENT_UPLOADED: ActionClass(L.CREATE, S.RESTRICTED),
    A.CONSULT_HANDLED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.CASE_PARTICIPANT_CHANGED: ActionClass(L.UPDATE, S.RESTRICTED, _CHAIN),
    A.TIMELINE_ENTRY_RETRACTED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.DOCUMENT_RETRACTED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.TIMELINE_AUDIENCE_NARROWED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.CASE_PERSON_REMOVED: ActionClass(L.UPDATE, S.RESTRICTED, _CHAIN),
    A.CASE_ITEM_CORRECTED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.LEGAL_BASIS_RECORDED: ActionClass(L.CREATE, S.RESTRICTED),
    A.LEGAL_BASIS_ENDED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.LEGAL_BASIS_REVIEWED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.FLAG_RAISED: ActionClass(L.CREATE, S.RESTRICTED),
    A.FLAG_ACKNOWLEDGED: ActionClass(L.READ, S.RESTRICTED),
    A.FLAG_REMOVED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.APPROVAL_REQUESTED: ActionClass(L.CREATE, S.RESTRICTED),
    A.APPROVAL_GIVEN: ActionClass(L.UPDATE, S.RESTRICTED),
    A.APPROVAL_REFUSED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.REFERRAL_ESCALATED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.RISK_ASSESSED: ActionClass(L.CREATE, S.RESTRICTED),
    A.SAFETY_PLAN_SAVED: ActionClass(L.CREATE, S.RESTRICTED),
    A.CERTIFICATE_ISSUED: ActionClass(L.CREATE, S.NORMAL),
    A.FINAL_RECORD_ANONYMISED: ActionClass(L.DELETE, S.RESTRICTED),
    A.FINAL_RECORD_BASELINED: ActionClass(L.CREATE, S.RESTRICTED),
    # Retention.
    A.RETENTION_PROPOSED: ActionClass(L.READ, S.RESTRICTED),
    A.RETENTION_CONFIRMED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.RETENTION_APPLIED: ActionClass(L.DELETE, S.RESTRICTED),
    A.CASE_ANONYMISED: ActionClass(L.DELETE, S.RESTRICTED),
    A.ORPHANED_FILES_REMOVED: ActionClass(L.DELETE, S.RESTRICTED),
    # Rights of the people concerned: a whole person's file, disclosed to them.
    A.SUBJECT_ACCESS_REGISTERED: ActionClass(L.CREATE, S.VERY_RESTRICTED),
    A.SUBJECT_ACCESS_ASSEMBLED: ActionClass(L.READ, S.VERY_RESTRICTED),
    A.SUBJECT_ACCESS_DECIDED: ActionClass(L.UPDATE, S.VERY_RESTRICTED),
    A.SUBJECT_ACCESS_RELEASED: ActionClass(L.EXPORT, S.VERY_RESTRICTED, LegalBasis.SUBJECT_ACCESS),
    A.SUBJECT_ACCESS_DOWNLOADED: ActionClass(
        L.EXPORT, S.VERY_RESTRICTED, LegalBasis.SUBJECT_ACCESS
    ),
    A.SUBJECT_ACCESS_VIEWED: ActionClass(L.READ, S.VERY_RESTRICTED),
    A.SUBJECT_ACCESS_REMINDED: ActionClass(L.READ, S.RESTRICTED),
    A.RECTIFICATION_REGISTERED: ActionClass(L.CREATE, S.RESTRICTED),
    A.RECTIFICATION_HANDLED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.PROCESSING_RESTRICTED: ActionClass(L.UPDATE, S.RESTRICTED),
    A.PROCESSING_RESTRICTION_LIFTED: ActionClass(L.UPDATE, S.RESTRICTED),
}

del A, L, S

# A code added to ``AuditAction`` but not yet to the table above: classified by its hundred,
# erring towards the more sensitive class, until the test makes someone add its row.
_BY_HUNDRED: dict[int, ActionClass] = {
    1: ActionClass(Lifecycle.UPDATE, Sensitivity.NORMAL),
    2: ActionClass(Lifecycle.READ, Sensitivity.RESTRICTED),
    3: ActionClass(Lifecycle.UPDATE, Sensitivity.RESTRICTED),
    4: ActionClass(Lifecycle.DELETE, Sensitivity.RESTRICTED),
}
_FALLBACK = ActionClass(Lifecycle.READ, Sensitivity.VERY_RESTRICTED)


def action_class(action: int) -> ActionClass:
    """The class of ``action``; see the module docstring for unlisted codes."""
    try:
        return ACTION_CLASSES[AuditAction(action)]
    except (KeyError, ValueError):
        return _BY_HUNDRED.get(int(action) // 100, _FALLBACK)


# Actions whose rule does not depend on the case: the person's own account, the audit area
# (privacy officers; ``portal.audit.access``), membership management, scheduled tasks. Every
# other allowed event names its rule: the case basis that ``collaboration.access`` decided.
_R = AccessRule
FIXED_RULES: dict[AuditAction, AccessRule] = {
    AuditAction.SIGN_IN_SUCCEEDED: _R.SELF,
    AuditAction.SECOND_FACTOR_SUCCEEDED: _R.SELF,
    AuditAction.SIGNED_OUT: _R.SELF,
    AuditAction.SIGNED_OUT_EVERYWHERE: _R.SELF,
    AuditAction.SESSION_EXPIRED: _R.SYSTEM,
    AuditAction.LOCKED_OUT: _R.SYSTEM,
    AuditAction.DEVICE_ADDED: _R.SELF,
    AuditAction.DEVICE_REMOVED: _R.SELF,
    AuditAction.BACKUP_CODES_RENEWED: _R.SELF,
    AuditAction.PASSWORD_CHANGED: _R.SELF,
    AuditAction.PASSWORD_RESET: _R.SELF,
    AuditAction.INVITATION_SENT: _R.ORGANISATION_ADMIN,
    AuditAction.INVITATION_ACCEPTED: _R.SELF,
    AuditAction.MEMBER_DEACTIVATED: _R.ORGANISATION_ADMIN,
    AuditAction.MEMBER_APPROVED: _R.ORGANISATION_ADMIN,
    AuditAction.MEMBER_REFUSED: _R.ORGANISATION_ADMIN,
    AuditAction.LEARNER_DATA_DOWNLOADED: _R.SELF,
    AuditAction.ACCOUNT_ERASED: _R.SELF,
    AuditAction.AUDIT_VIEWED: _R.PRIVACY_OFFICER,
    AuditAction.EXPORTED: _R.PRIVACY_OFFICER,
    AuditAction.BREAK_THE_GLASS: _R.PRIVACY_OFFICER,
    AuditAction.REFERRAL_ACCEPTED: _R.COORDINATOR,
    AuditAction.REFERRAL_DECLINED: _R.COORDINATOR,
    AuditAction.RETENTION_PROPOSED: _R.SYSTEM,
    AuditAction.RETENTION_CONFIRMED: _R.PRIVACY_OFFICER,
    AuditAction.RETENTION_APPLIED: _R.SYSTEM,
    AuditAction.CASE_ANONYMISED: _R.SYSTEM,
    # issued when the learner completes the course; anonymised by the retention run (an
    # erasure on request passes ``self``)
    AuditAction.CERTIFICATE_ISSUED: _R.SELF,
    AuditAction.FINAL_RECORD_ANONYMISED: _R.SYSTEM,
    AuditAction.FINAL_RECORD_BASELINED: _R.SYSTEM,
    AuditAction.ORPHANED_FILES_REMOVED: _R.SYSTEM,
    AuditAction.SUBJECT_ACCESS_REGISTERED: _R.PRIVACY_OFFICER,
    AuditAction.SUBJECT_ACCESS_ASSEMBLED: _R.PRIVACY_OFFICER,
    AuditAction.SUBJECT_ACCESS_DECIDED: _R.PRIVACY_OFFICER,
    AuditAction.SUBJECT_ACCESS_RELEASED: _R.PRIVACY_OFFICER,
    AuditAction.SUBJECT_ACCESS_DOWNLOADED: _R.PRIVACY_OFFICER,
    AuditAction.SUBJECT_ACCESS_VIEWED: _R.PRIVACY_OFFICER,
    AuditAction.SUBJECT_ACCESS_REMINDED: _R.SYSTEM,
    AuditAction.RECTIFICATION_REGISTERED: _R.PRIVACY_OFFICER,
    AuditAction.RECTIFICATION_HANDLED: _R.PRIVACY_OFFICER,
    AuditAction.PROCESSING_RESTRICTED: _R.PRIVACY_OFFICER,
    AuditAction.PROCESSING_RESTRICTION_LIFTED: _R.PRIVACY_OFFICER,
}
del _R

# The ``role`` column of a case event has always held the case basis; a caller that passes the
# basis only there is understood (never a membership role: those codes are not rules).
_RULES_FROM_ROLE = frozenset(
    {
        AccessRule.CASE_DIRECTOR,
        AccessRule.PARTICIPANT,
        AccessRule.COORDINATOR,
        AccessRule.BREAK_THE_GLASS,
        AccessRule.PRIVACY_OFFICER,
    }
)


def access_rule_for(*, action: int, outcome: str, access_rule: str | None, role: str) -> str:
    """The rule to record. A refusal is ``none`` whatever the caller knew; else the caller's
    rule, else the action's fixed rule, else the case basis the caller put in ``role``. Empty
    only when none of these says anything (``tests/audit/test_classification.py`` walks the
    case paths to keep that from happening)."""
    if outcome == Outcome.DENIED:
        return AccessRule.NONE
    if access_rule:
        return str(access_rule)
    try:
        fixed = FIXED_RULES.get(AuditAction(action))
    except ValueError:
        fixed = None
    if fixed is not None:
        return str(fixed)
    return role if role in _RULES_FROM_ROLE else ""


def is_emergency(*, action: int, access_rule: str) -> bool:
    """Break the glass is the portal's only emergency access: the grant itself and every act
    done under it."""
    return int(action) == AuditAction.BREAK_THE_GLASS or access_rule == AccessRule.BREAK_THE_GLASS
