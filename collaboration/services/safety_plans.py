"""The safety plan (veiligheidsplan) of a person at risk: saved by the case director, a
coordinator of the region or a participant; every save is a new version and the earlier ones
stay. A save started from an older version (someone else saved in the meantime) is refused
rather than overwriting unseen. The audit record names the person, the version and which parts
changed, never their text. The PDF for the person (``safety_plan_pdf``) carries a neutral
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

from portal.audit.events import AuditAction

from ..access import can_contribute
from ..models import SAFETY_PLAN_FIELDS, SAFETY_PLAN_LABELS, Case, FamilyMember, SafetyPlan
from ._common import audit_change, require_case_right, require_open

PDF_TITLE = "Mijn plan"


def current_plan(member: FamilyMember) -> SafetyPlan | None:
    return SafetyPlan.objects.filter(family_member=member, is_current=True).first()


def safety_plan_save(
    *,
    actor: Any,
    case: Case,
    family_member_id: int,
    values: dict[str, str],
    based_on: int | None = None,
) -> SafetyPlan:
    """Save a new version of the person's plan; ``based_on`` is the version the form showed
    (0 or None for the first)."""
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
    with transaction.atomic():
        FamilyMember.objects.select_for_update().filter(pk=member.pk).first()
        previous = current_plan(member)
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
            **cleaned,
        )
        plan.full_clean(exclude=["case", "family_member", "saved_by"])
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
            extra={"family_member": member.pk, "version": plan.version, "fields": changed},
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
