"""Reads of the register of legal bases: the register of a case, the bases a sharing form may
offer, and what was shared under one basis (the answer to "who received what under this
consent?").

Each takes the ``CaseAccess`` of ``selectors.cases.case_access`` (access checked and recorded
first); what was shared is filtered by what the viewer may see, so the register never shows a
restricted entry's title to someone outside its audience.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent

from ..access import can_direct
from ..models import (
    BasisKind,
    CaseDocument,
    CaseParticipant,
    FamilyMember,
    LegalBasis,
    Meeting,
    Organisation,
    SafetyPlan,
    TimelineEntry,
)
from .cases import CaseAccess, visible_documents, visible_timeline
from .safety_plan_summary import plans_seen_by

# The service's record of adding a professional names the basis (participant_add).
_PARTICIPANT_ADDED = AuditAction.CASE_PARTICIPANT_CHANGED


def _bases(access: CaseAccess) -> QuerySet[LegalBasis]:
    return (
        LegalBasis.objects.filter(case=access.case)
        .select_related("consent_of", "created_by", "ended_by", "reviewed_by")
        .prefetch_related(Prefetch("organisations", queryset=Organisation.objects.order_by("name")))
    )


def basis_label(basis: LegalBasis) -> str:
    """How a form and a list name a basis: its kind, whose consent or which framework, date."""
    if basis.kind == BasisKind.CONSENT and basis.consent_of is not None:
        who = _("toestemming van %(name)s") % {"name": basis.consent_of.name}
    elif basis.kind == BasisKind.CONSULTATION:
        who = _("casusoverleg (art. 458ter Sw.): %(ref)s") % {"ref": basis.framework_reference}
    else:
        who = _("noodtoestand")
    date = basis.given_on.strftime("%d/%m/%Y")
    return f"#{basis.pk} {who[:1].upper()}{who[1:]} ({date})"


def basis_state(basis: LegalBasis, now: Any = None) -> str:
    """One word for a basis's state, which the templates put in Dutch."""
    now = now or timezone.now()
    if basis.is_ended:
        return "ended"
    if basis.review_overdue(now):
        return "review_overdue"
    if basis.kind == BasisKind.URGENT and basis.reviewed_at is None:
        return "awaiting_review"
    return "active"


@dataclass
class Register:
    access: CaseAccess
    bases: list[LegalBasis]
    now: Any = field(default_factory=timezone.now)

    @property
    def rows(self) -> list[tuple[LegalBasis, str, bool]]:
        """Each basis, its state and whether the viewer reads its content (``open_to``)."""
        return [(b, basis_state(b, self.now), open_to(self.access, b)) for b in self.bases]

    @property
    def usable(self) -> list[LegalBasis]:
        return [b for b in self.bases if b.usable(self.now)]

    @property
    def awaiting_review(self) -> list[LegalBasis]:
        return [
            b
            for b in self.bases
            if b.kind == BasisKind.URGENT and b.reviewed_at is None and not b.is_ended
        ]

    @property
    def may_manage(self) -> bool:
        return can_direct(self.access.basis) and not self.access.case.is_closed

    @property
    def may_review(self) -> bool:
        return self.access.case.region in self.access.profile.coordinator_regions


def open_to(access: CaseAccess, basis: LegalBasis) -> bool:
    """Who reads a basis's content (whose consent, purpose, justification, notes, who received
    what): the case director, the region's coordinators and the services it covers. Others in
    the case see that it exists, its kind and its state."""
    if can_direct(access.basis):
        return True
    covered = {o.pk for o in basis.organisations.all()}
    return bool(covered & set(access.profile.organisation_ids))


def case_register(access: CaseAccess) -> Register:
    """Every basis of the case, newest last, with its organisations (three queries)."""
    return Register(access=access, bases=list(_bases(access)))


def current_family(access: CaseAccess) -> list[FamilyMember]:
    """The family members a consent can come from (not those removed from the case)."""
    return list(access.case.family_members.filter(removed_at__isnull=True))


def sharing_basis_choices(access: CaseAccess) -> list[tuple[int, str]]:
    """The bases a sharing form offers: those that may still carry new sharing."""
    now = timezone.now()
    return [(b.pk, basis_label(b)) for b in _bases(access) if b.usable(now)]


@dataclass(frozen=True)
class Recipient:
    """A professional who was added to the case under a basis: still under it, or no longer
    (removed, or re-added later on another basis: the participant row then names the new one,
    the addition under this basis stays in the audit trail)."""

    name: str
    organisation: str
    added_at: datetime.datetime
    still_under_it: bool


@dataclass
class SharedUnder:
    basis: LegalBasis
    participants: list[Recipient]
    entries: list[TimelineEntry]
    documents: list[CaseDocument]
    meetings: list[Meeting]
    hidden: int
    safety_plans: list[SafetyPlan] = field(default_factory=list)


def recipients_under(access: CaseAccess, basis: LegalBasis) -> list[Recipient]:
    """Everyone added to the case under ``basis``, in the order they were added.

    The participant rows name the basis of the latest addition only; whoever was added under
    this basis and later re-added under another comes from the audit trail's record of the
    addition (which carries the basis id), so "who received what under this consent" stays
    complete after a removal and a new addition.
    """
    rows = list(
        CaseParticipant.objects.filter(case=access.case, legal_basis=basis)
        .select_related("user", "organisation")
        .order_by("added_at")
    )
    recipients = [
        Recipient(p.user.full_name, p.organisation.name, p.added_at, p.is_active) for p in rows
    ]
    current = {p.user_id for p in rows}
    earlier: dict[int, tuple[datetime.datetime, int | None]] = {}
    for occurred_at, extra in (
        AuditEvent.objects.filter(
            case_reference=access.case.reference,
            action=_PARTICIPANT_ADDED,
            extra__legal_basis_id=basis.pk,
        )
        .order_by("id")
        .values_list("occurred_at", "extra")
    ):
        user_id = extra.get("added_user_id")
        if isinstance(user_id, int) and user_id not in current and user_id not in earlier:
            earlier[user_id] = (occurred_at, extra.get("organisation_id"))
    if earlier:
        names = dict(User.objects.filter(pk__in=earlier).values_list("pk", "full_name"))
        services = dict(
            Organisation.objects.filter(
                pk__in={org for _at, org in earlier.values() if org}
            ).values_list("pk", "name")
        )
        recipients += [
            Recipient(names.get(user_id, ""), services.get(org, "") if org else "", at, False)
            for user_id, (at, org) in earlier.items()
        ]
        recipients.sort(key=lambda r: r.added_at)
    return recipients


def shared_under(access: CaseAccess, basis_id: int) -> SharedUnder | None:
    """The basis and everything shared under it that the viewer may see; ``hidden`` counts the
    entries and documents under it outside the viewer's audience. None when the basis is not
    this case's. Safety-plan versions are listed like entries (``hidden`` counts those the
    viewer's service is not covered for)."""
    basis = _bases(access).filter(pk=basis_id).first()
    if basis is None or not open_to(access, basis):
        return None
    entries = list(
        visible_timeline(access)
        .filter(legal_basis=basis)
        .select_related("author", "author_organisation")
        .order_by("occurred_on", "id")
    )
    documents = list(
        visible_documents(access).filter(legal_basis=basis).select_related("uploaded_by")
    )
    plans = SafetyPlan.objects.filter(case=access.case, legal_basis=basis)
    safety_plans = list(
        plans_seen_by(plans, basis=access.basis, profile=access.profile)
        .select_related("family_member")
        .order_by("saved_at", "id")
    )
    total = (
        TimelineEntry.objects.filter(case=access.case, legal_basis=basis).count()
        + CaseDocument.objects.filter(case=access.case, legal_basis=basis).count()
        + plans.count()
    )
    return SharedUnder(
        basis=basis,
        participants=recipients_under(access, basis),
        entries=entries,
        documents=documents,
        meetings=list(
            Meeting.objects.filter(case=access.case, legal_basis=basis).order_by("starts_at")
        ),
        hidden=total - len(entries) - len(documents) - len(safety_plans),
        safety_plans=safety_plans,
    )
