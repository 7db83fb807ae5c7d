"""The subject-access export's parts on risk assessment and safety plans (issue 17): the
assessments of the case as a whole and of the person, and every version of the person's own
safety plan; other people's names redacted. An assessment by a police or justice service is
held for the officer's decision (``assembly.why_held``), as their timeline entries are. The
safety plans of other family members are about them and are left out."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import (
    SAFETY_PLAN_FIELDS,
    SAFETY_PLAN_LABELS,
    Case,
    FamilyMember,
    Organisation,
    RiskAssessment,
    SafetyPlan,
)
from .assembly import Held, Item, Section, fields, label, text, why_held


def risk_and_safety_sections(
    case: Case, member: FamilyMember, redact: Callable[[str], str], held: list[Held]
) -> list[Section]:
    sectors = dict(Organisation.objects.values_list("name", "sector"))
    assessments: list[Item] = []
    for a in (
        RiskAssessment.objects.filter(case=case)
        .filter(Q(family_member=member) | Q(family_member__isnull=True))
        .order_by("assessed_at", "id")
    ):
        item: Item = {
            _("Over"): _("u") if a.family_member_id == member.pk else _("het gezin als geheel"),
            **fields(a, ["assessed_at", "final_level", "computed_level", "score"]),
            label(RiskAssessment, "override_reason"): redact(a.override_reason) or "–",
            _("Instrument"): f"{a.snapshot.get('name', a.instrument_code)} "
            f"({a.instrument_code} {_('versie')} {a.instrument_version})",
            _("Antwoorden"): "; ".join(
                f"{q['text']}: {text(_answer(a.answers.get(q['key'], '')))}"
                for q in a.snapshot.get("questions", [])
            ),
            _("Dienst"): a.assessed_by_organisation or "–",
        }
        sector = next((s for name, s in sectors.items() if name in a.assessed_by_organisation), "")
        reason = why_held(author_sector=sector) if sector else ""
        if reason:
            held.append(Held(f"risk_assessment:{a.pk}", "risicotaxatie", item, reason))
        else:
            assessments.append(item)
    plans: list[Item] = []
    for plan in SafetyPlan.objects.filter(family_member=member).order_by("version"):
        item = {
            label(SafetyPlan, "version"): str(plan.version),
            label(SafetyPlan, "saved_at"): text(plan.saved_at),
            **{
                str(SAFETY_PLAN_LABELS[n]): redact(getattr(plan, n)) or "–"
                for n in SAFETY_PLAN_FIELDS
            },
        }
        plans.append(item)
    return [
        Section(
            "risicotaxatie",
            _("Risicotaxaties"),
            _("Van het gezin als geheel en van u. Namen van andere personen zijn afgeschermd."),
            assessments,
        ),
        Section(
            "veiligheidsplan",
            _("Uw veiligheidsplan"),
            _("Elke bewaarde versie. Namen van andere personen zijn afgeschermd."),
            plans,
        ),
    ]


def _answer(value: str) -> str:
    return {"yes": _("Ja"), "no": _("Nee"), "unknown": _("Onbekend")}.get(value, "")
