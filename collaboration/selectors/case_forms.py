"""Reads the case forms make after the case was opened: the people, goals, organisations and
the one item a form is about.

Each takes the ``CaseAccess`` that ``selectors.cases.case_access`` returned, so access was
checked and the read of the case recorded in the audit trail before any of these runs; they
only read within that case (an item of another case is "not found", as a forbidden one).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from ..access import can_retract
from ..models import (
    Action,
    CaseDocument,
    CaseParticipant,
    DomainAssessment,
    EntryKind,
    FamilyMember,
    Goal,
    Organisation,
    Sector,
    TimelineEntry,
    Visibility,
)
from .cases import CaseAccess, visible_documents, visible_timeline


def case_people(case: Any) -> list[Any]:
    """The active participants and the case director, each once, by name (whom a meeting or an
    action may name)."""
    participants = CaseParticipant.objects.filter(case=case, is_active=True).select_related("user")
    people = {p.user_id: p.user for p in participants}
    people.setdefault(case.case_director_id, case.case_director)
    return sorted(people.values(), key=lambda u: u.full_name)


def case_participant(access: CaseAccess, participant_id: int) -> CaseParticipant | None:
    """One active participant of the case, with person and organisation, or None."""
    return (
        CaseParticipant.objects.filter(case=access.case, pk=participant_id, is_active=True)
        .select_related("user", "organisation")
        .first()
    )


def case_family_member(access: CaseAccess, member_id: int) -> FamilyMember | None:
    """One family member of the case not removed, or None."""
    return FamilyMember.objects.filter(
        case=access.case, pk=member_id, removed_at__isnull=True
    ).first()


def case_assessment(access: CaseAccess, domain: str) -> DomainAssessment | None:
    """The exploration of one life domain of the case, or None before the first save."""
    return access.case.assessments.filter(domain=domain).first()


def case_action(access: CaseAccess, action_id: int) -> Action | None:
    """One action of the case (the caller checks ``collaboration.access.can_change_action``), or None."""
    return Action.objects.filter(case=access.case, pk=action_id).select_related("case").first()


def action_form_choices(access: CaseAccess, plan: Any) -> dict[str, Any]:
    """What the new-action form offers: the goals of the current ``plan``, the organisations
    taking part in the case and its people."""
    goals: list[Goal] = list(plan.goals.all()) if plan else []
    organisation_ids = CaseParticipant.objects.filter(case=access.case, is_active=True).values(
        "organisation_id"
    )
    return {
        "goals": goals,
        "organisations": Organisation.objects.filter(pk__in=organisation_ids),
        "people": case_people(access.case),
    }


def retractable_entry(access: CaseAccess, entry_id: int) -> TimelineEntry | None:
    """A timeline entry the viewer sees, not yet retracted and not a phase change, that they
    may retract, or None."""
    entry = (
        visible_timeline(access)
        .filter(pk=entry_id, retracted_at__isnull=True)
        .exclude(kind=EntryKind.PHASE)  # written by a phase change, which stays
        .first()
    )
    if entry is None or not can_retract(access.profile, access.basis, entry.author_id):
        return None
    return entry


def retractable_document(access: CaseAccess, document_id: int) -> CaseDocument | None:
    """A document the viewer sees, not yet retracted, that they may retract, or None."""
    document = visible_documents(access).filter(pk=document_id, retracted_at__isnull=True).first()
    if document is None or not can_retract(access.profile, access.basis, document.uploaded_by_id):
        return None
    return document


def narrowing_choices(access: CaseAccess, entry: TimelineEntry) -> dict[str, Any]:
    """What the narrowing form offers for ``entry``: the sectors and the region's active
    services within its current audience (everything, for an entry all participants see), and
    the current audience as the initial choice."""
    organisations = Organisation.objects.filter(is_active=True, region=access.case.region)
    if entry.visibility != Visibility.AUDIENCE:
        return {
            "sectors": list(Sector.choices),
            "organisations": list(organisations.order_by("name")),
            "initial": {"sectors": [], "organisations": []},
        }
    current = list(entry.audience.all())
    sectors = [a.sector for a in current if a.sector]
    organisation_ids = [a.organisation_id for a in current if a.organisation_id]
    within = organisations.filter(Q(pk__in=organisation_ids) | Q(sector__in=sectors))
    return {
        "sectors": [(value, label) for value, label in Sector.choices if value in sectors],
        "organisations": list(within.order_by("name")),
        "initial": {"sectors": sectors, "organisations": [str(o) for o in organisation_ids]},
    }
