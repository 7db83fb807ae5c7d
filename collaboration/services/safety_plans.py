"""The safety plan (veiligheidsplan) of a person at risk: saved by the case director, a
coordinator of the region or a participant; every save is a new version and the earlier ones
stay. A save started from an older version (someone else saved in the meantime) is refused
rather than overwriting unseen, and so is a save by a participant whose service the current
version is not shared with. Each version is shared on a legal basis of the case, like a
timeline entry: without a basis that may carry sharing now (not withdrawn, not ended, an urgent
necessity reviewed in time) nothing is saved; the services it covers are the ones that see the
version (``selectors.safety_plan_summary.plans_seen_by``). The audit record names the person,
the version, the basis and which parts changed, never their text. The PDF for the person (``safety_plan_pdf``) carries a neutral
title and no case reference, no name and no organisation: it may be found by the person the
plan protects them from."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction, Outcome
from portal.audit.writer import record_event

from ..access import ActorProfile, Basis, NotFoundOrNotAllowed, can_contribute
from ..models import (
    SAFETY_PLAN_FIELDS,
    SAFETY_PLAN_LABELS,
    Case,
    FamilyMember,
    LegalBasis,
    SafetyPlan,
)
from ..selectors.safety_plan_summary import plans_seen_by
from ._common import audit_change, require_case_right, require_open
from .legal_bases import hold_basis, require_sharing_basis

PDF_TITLE = "Mijn plan"


def current_plan(member: FamilyMember) -> SafetyPlan | None:
    return SafetyPlan.objects.filter(family_member=member, is_current=True).first()


class _NotSharedWithActor(Exception):
    """The current version is not shared with the saving participant's service."""


def safety_plan_save(
    *,
    actor: Any,
    case: Case,
    family_member_id: int,
    values: dict[str, str],
    based_on: int | None = None,
    legal_basis_id: int | None = None,
) -> SafetyPlan:
    """Save a new version of the person's plan, shared on ``legal_basis_id``; ``based_on``
    is the version the form showed (0 or None for the first).

    The basis is not asked to cover every service in the case, as an entry for everyone is:
    the plan reaches the services its basis covers, and no others."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_contribute, what="safety_plan"
    )
    require_open(case)
    member = FamilyMember.objects.filter(
        case=case, pk=family_member_id, removed_at__isnull=True
    ).first()
    if member is None:
        raise ValidationError(_("Kies een gezinslid van dit dossier."))
    cleaned = {name: (values.get(name) or "").strip() for name in SAFETY_PLAN_FIELDS}
    if not any(cleaned.values()):
        raise ValidationError(_("Vul minstens één onderdeel van het plan in."))
    legal = require_sharing_basis(
        actor=actor,
        profile=profile,
        case=case,
        legal_basis_id=legal_basis_id,
        organisation_ids=(),
        what="safety_plan",
    )
    try:
        return _save_version(
            actor=actor,
            profile=profile,
            basis=basis,
            case=case,
            member=member,
            cleaned=cleaned,
            based_on=based_on,
            legal=legal,
        )
    except _NotSharedWithActor:
        # recorded after the rolled-back transaction, so the refusal stays in the trail
        record_event(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            outcome=Outcome.DENIED,
            organisation=profile.label[:200],
            role=str(basis),
            object_type="case",
            object_id=case.pk,
            case_reference=case.reference,
            extra={"change": "safety_plan", "refused": "version_not_shared"},
        )
        raise NotFoundOrNotAllowed from None


def _save_version(
    *,
    actor: Any,
    profile: ActorProfile,
    basis: Basis,
    case: Case,
    member: FamilyMember,
    cleaned: dict[str, str],
    based_on: int | None,
    legal: LegalBasis,
) -> SafetyPlan:
    """The new version, in one transaction with the person and the basis locked (a consent
    withdrawn meanwhile stops the save, ``hold_basis``)."""
    with transaction.atomic():
        FamilyMember.objects.select_for_update().filter(pk=member.pk).first()
        legal = hold_basis(legal)
        previous = current_plan(member)
        if (
            previous is not None
            and not plans_seen_by(
                SafetyPlan.objects.filter(pk=previous.pk), basis=basis, profile=profile
            ).exists()
        ):
            raise _NotSharedWithActor
        if (previous.version if previous else 0) != (based_on or 0):
            raise ValidationError(
                _(
                    "Het plan is intussen bewaard in een nieuwe versie (door iemand anders of in "
                    "een ander venster). Bekijk die versie en pas ze opnieuw aan."
                )
            )
        changed = [
            name for name in SAFETY_PLAN_FIELDS if cleaned[name] != getattr(previous, name, "")
        ]
        if not changed:
            raise ValidationError(_("Er is niets gewijzigd: pas minstens één onderdeel aan."))
        plan = SafetyPlan(
            case=case,
            family_member=member,
            version=(previous.version + 1) if previous else 1,
            saved_by=actor,
            saved_by_organisation=profile.label[:200],
            legal_basis=legal,
            **cleaned,
        )
        plan.full_clean(exclude=["case", "family_member", "saved_by", "legal_basis"])
        if previous is not None:
            SafetyPlan.objects.filter(pk=previous.pk).update(is_current=False)
        plan.save()
        audit_change(
            action=AuditAction.SAFETY_PLAN_SAVED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="safety_plan",
            object_id=plan.pk,
            extra={
                "family_member": member.pk,
                "version": plan.version,
                "fields": changed,
                "legal_basis_id": legal.pk,
            },
        )
    return plan


def safety_plan_pdf(plan: SafetyPlan | None) -> bytes:
    """The plan as an A4 PDF for the person: "Mijn plan", the date of the version, the six
    parts; nothing that names the case, the person, the portal or a service (an empty plan
    gives the headings with room to write by hand)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    story: list[Any] = [Paragraph(escape(PDF_TITLE), styles["Title"])]
    if plan is not None:
        when = formats.date_format(timezone.localtime(plan.saved_at), "j F Y")
        story.append(Paragraph(escape(_("Versie van %(date)s") % {"date": when}), styles["Normal"]))
    for name in SAFETY_PLAN_FIELDS:
        story.append(Paragraph(escape(str(SAFETY_PLAN_LABELS[name])), styles["Heading2"]))
        text = getattr(plan, name, "") if plan is not None else ""
        lines = text.splitlines() or ["", "", ""]
        for line in lines:
            story.append(Paragraph(escape(line) or "&nbsp;", styles["BodyText"]))
        story.append(Spacer(1, 6))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=PDF_TITLE,
        author="",
        creator="",
        producer="",
        invariant=1,
        lang="nl-BE",
    ).build(story)
    return buffer.getvalue()
