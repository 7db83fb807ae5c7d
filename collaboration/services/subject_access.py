"""Subject-access export (GDPR art. 15): everything the portal holds about one family member in
one case, with who accessed the case, as JSON and as a PDF. Run by the privacy officer through
``manage.py subject_access_export``; the export itself is an audit event."""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.audit.writer import record_event

from ..models import Case, FamilyMember


def _value(obj: Any, name: str) -> Any:
    display = getattr(obj, f"get_{name}_display", None)
    return display() if callable(display) else getattr(obj, name)


def _rows(queryset: Any, names: list[str]) -> list[dict[str, Any]]:
    return [{name: _value(obj, name) for name in names} for obj in queryset]


def collect(*, case: Case, member: FamilyMember) -> dict[str, Any]:
    referral = getattr(case, "referral", None)
    plans = case.plans.prefetch_related("goals__actions").order_by("version")
    return {
        "person": {
            "name": member.name,
            "birth_year": member.birth_year,
            "role_in_family": member.get_family_role_display(),
        },
        "case": {
            "reference": case.reference,
            "region": case.get_region_display(),
            "phase": case.get_phase_display(),
            "opened_at": case.opened_at,
            "closed_at": case.closed_at,
            "closing_summary": case.closing_summary,
            "contact_card": case.contact_card,
            "family_members": _rows(
                case.family_members.all(), ["name", "birth_year", "family_role"]
            ),
        },
        "referral": None
        if referral is None
        else {
            "created_at": referral.created_at,
            "family_composition": referral.family_composition,
            "violence_forms": referral.violence_forms,
            "life_domains": referral.life_domains,
            "services_involved": referral.services_involved,
            "urgency": referral.get_urgency_display(),
        },
        "phase_transitions": _rows(case.transitions.all(), ["from_phase", "to_phase", "reason"]),
        "exploration": _rows(
            case.assessments.all(), ["domain", "strengths", "worries", "concerns", "wishes"]
        ),
        "plans": [
            {
                "version": plan.version,
                "presented_in_team_on": plan.presented_in_team_on,
                "goals": [
                    {
                        "domain": goal.get_domain_display(),
                        "description": goal.description,
                        "actions": _rows(goal.actions.all(), ["description", "status", "due_date"]),
                    }
                    for goal in plan.goals.all()
                ],
            }
            for plan in plans
        ],
        "timeline": _rows(
            case.timeline.order_by("occurred_on", "id"), ["occurred_on", "kind", "title", "body"]
        ),
        "meetings": _rows(
            case.meetings.order_by("starts_at"), ["starts_at", "kind", "place", "status"]
        ),
        "documents": _rows(case.documents.all(), ["title", "content_type", "size", "uploaded_at"]),
        "accesses": [
            {
                "when": event.occurred_at,
                "who": event.actor_label,
                "organisation": event.organisation,
                "role": event.role,
                "action": event.get_action_display(),
                "outcome": event.get_outcome_display(),
                "purpose": event.purpose,
            }
            for event in AuditEvent.objects.filter(case_reference=case.reference).order_by("id")
        ],
    }


def render_pdf(data: dict[str, Any]) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    story: list[Any] = [
        Paragraph("Inzage in persoonsgegevens (art. 15 AVG)", styles["Title"]),
        Paragraph(escape(f"Veilig Huis – dossier {data['case']['reference']}"), styles["Normal"]),
        Spacer(1, 12),
    ]

    def section(title: str, value: Any, depth: int = 0) -> None:
        style = styles["Heading2"] if depth == 0 else styles["Heading4"]
        story.append(Paragraph(escape(title), style))
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, (dict, list)):
                    section(key, inner, depth + 1)
                else:
                    story.append(
                        Paragraph(
                            f"<b>{escape(str(key))}</b>: {escape(str(inner if inner is not None else '–'))}",
                            styles["Normal"],
                        )
                    )
        elif isinstance(value, list):
            if not value:
                story.append(Paragraph("–", styles["Normal"]))
            for number, item in enumerate(value, 1):
                if isinstance(item, (dict, list)):
                    section(f"{title} {number}", item, depth + 1)
                else:
                    story.append(Paragraph(escape(str(item)), styles["Normal"]))
        story.append(Spacer(1, 6))

    for key, value in data.items():
        section(key, value)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="Inzage persoonsgegevens").build(story)
    return buffer.getvalue()


def subject_access_export(
    *, actor: Any, case: Case, member: FamilyMember, purpose: str
) -> tuple[bytes, bytes]:
    """Return (JSON, PDF) and record the export. ``purpose`` names the request (e.g. its number)."""
    if member.case_id != case.pk:
        raise ValueError("This family member does not belong to this case.")
    data = collect(case=case, member=member)
    as_json = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
    as_pdf = render_pdf(json.loads(as_json))
    with transaction.atomic():
        record_event(
            action=AuditAction.EXPORTED,
            actor=actor,
            object_type="family_member",
            object_id=member.pk,
            case_reference=case.reference,
            subject=str(member.pk),
            purpose=purpose or "inzageverzoek",
            extra={"export": "subject_access", "formats": ["json", "pdf"]},
        )
    return as_json, as_pdf
