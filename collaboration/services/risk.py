"""Risk assessment (risicotaxatie): a structured assessment of a case or of one person at risk
in it, with an instrument loaded as data (``collaboration.risk_instruments``).

The level is computed from the answers with the instrument's weights and thresholds (the rule
lives in the data, ``level_for``); the professional may judge otherwise, with a reason. Each
assessment is a new version for its subject (the case as a whole, or one family member) and
keeps a copy of the instrument as used. A final level higher than the subject's previous one
alerts the case director and the active participants (in the portal and by a mail without
content). The re-assessment due date is reminded to the case director once
(``risk_reviews_notify``). The audit record holds ids, the instrument and the levels: never an
answer or a reason."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction

from ..access import can_contribute
from ..models import (
    RISK_ORDER,
    Case,
    CaseParticipant,
    FactorKind,
    FamilyMember,
    Phase,
    RiskAnswer,
    RiskAssessment,
    RiskInstrument,
    RiskLevel,
)
from ._common import audit_change, require_case_right, require_open
from .notifications import Kind, notify

MAX_REVIEW_DAYS = 730


def instrument_snapshot(instrument: RiskInstrument) -> dict[str, Any]:
    """The instrument as an assessment keeps it: name, thresholds and questions in order."""
    return {
        "name": instrument.name,
        "threshold_raised": instrument.threshold_raised,
        "threshold_high": instrument.threshold_high,
        "questions": [
            {
                "key": q.key,
                "domain": q.domain,
                "kind": q.kind,
                "text": q.text,
                "weight": q.weight,
            }
            for q in instrument.questions.order_by("position", "pk")
        ],
    }


def score_of(snapshot: dict[str, Any], answers: dict[str, str]) -> int:
    """Weights of the risk factors answered "Ja" minus those of the protective ones."""
    score = 0
    for question in snapshot["questions"]:
        if answers.get(question["key"]) == RiskAnswer.YES:
            sign = 1 if question["kind"] == FactorKind.RISK else -1
            score += sign * int(question["weight"])
    return score


def level_for(snapshot: dict[str, Any], score: int) -> str:
    """The level the instrument's thresholds give a score."""
    if score >= snapshot["threshold_high"]:
        return RiskLevel.HIGH
    if score >= snapshot["threshold_raised"]:
        return RiskLevel.RAISED
    return RiskLevel.LOW


def _clean_answers(snapshot: dict[str, Any], answers: dict[str, Any]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    missing = False
    for question in snapshot["questions"]:
        value = answers.get(question["key"])
        if value not in RiskAnswer.values:
            missing = True
            continue
        cleaned[question["key"]] = value
    if missing:
        raise ValidationError(_("Beantwoord elke vraag (kies 'Onbekend' als u het niet weet)."))
    return cleaned


def _subject(case: Case, family_member_id: int | None) -> FamilyMember | None:
    if family_member_id is None:
        return None
    member = FamilyMember.objects.filter(
        case=case, pk=family_member_id, removed_at__isnull=True
    ).first()
    if member is None:
        raise ValidationError({"family_member": _("Kies een gezinslid uit de lijst.")})
    return member


def _review_date(instrument: RiskInstrument, review_due_on: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    if review_due_on is None:
        return today + datetime.timedelta(days=instrument.review_after_days)
    if review_due_on <= today:
        raise ValidationError({"review_due_on": _("Kies een datum na vandaag.")})
    if review_due_on > today + datetime.timedelta(days=MAX_REVIEW_DAYS):
        raise ValidationError({"review_due_on": _("Kies een datum binnen de twee jaar.")})
    return review_due_on


def previous_assessment(case: Case, member: FamilyMember | None) -> RiskAssessment | None:
    """The subject's latest assessment (the case as a whole, or that one person)."""
    return (
        RiskAssessment.objects.filter(case=case, family_member=member)
        .order_by("-version", "-pk")
        .first()
    )


def risk_assess(
    *,
    actor: Any,
    case: Case,
    instrument_id: int,
    answers: dict[str, Any],
    family_member_id: int | None = None,
    judged_level: str = "",
    override_reason: str = "",
    review_due_on: datetime.date | None = None,
) -> RiskAssessment:
    """Record an assessment: the case director, a coordinator of the region or a participant.
    ``judged_level`` empty keeps the computed level; another level needs ``override_reason``."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_contribute, what="risk_assessment"
    )
    require_open(case)
    instrument = RiskInstrument.objects.filter(pk=instrument_id, is_active=True).first()
    if instrument is None:
        raise ValidationError({"instrument": _("Kies een instrument uit de lijst.")})
    member = _subject(case, family_member_id)
    snapshot = instrument_snapshot(instrument)
    cleaned = _clean_answers(snapshot, answers)
    score = score_of(snapshot, cleaned)
    computed = level_for(snapshot, score)
    final = judged_level or computed
    if final not in RiskLevel.values:
        raise ValidationError({"judged_level": _("Kies een niveau uit de lijst.")})
    reason = (override_reason or "").strip()
    if final != computed and not reason:
        raise ValidationError(
            {
                "override_reason": _(
                    "U wijkt af van het berekende niveau: geef de reden van uw eigen oordeel."
                )
            }
        )
    if len(reason) > 2000:
        raise ValidationError(
            {"override_reason": _("De reden is te lang (ten hoogste 2000 tekens).")}
        )
    if final == computed:
        reason = ""  # a reason without a deviation is not an override
    due = _review_date(instrument, review_due_on)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()  # one version at a time
        previous = previous_assessment(case, member)
        if previous is not None:
            RiskAssessment.objects.filter(pk=previous.pk).update(is_current=False)
        assessment = RiskAssessment.objects.create(
            case=case,
            family_member=member,
            version=(previous.version + 1) if previous else 1,
            instrument=instrument,
            instrument_code=instrument.code,
            instrument_version=instrument.version,
            snapshot=snapshot,
            answers=cleaned,
            score=score,
            computed_level=computed,
            final_level=final,
            override_reason=reason,
            assessed_by=actor,
            assessed_by_organisation=profile.label[:200],
            review_due_on=due,
        )
        raised = previous is not None and RISK_ORDER[final] > RISK_ORDER[previous.final_level]
        audit_change(
            action=AuditAction.RISK_ASSESSED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="risk_assessment",
            object_id=assessment.pk,
            extra={
                "family_member": member.pk if member else None,
                "version": assessment.version,
                "instrument": instrument.code,
                "instrument_version": instrument.version,
                "computed_level": computed,
                "final_level": final,
                "overridden": final != computed,
                "previous_level": previous.final_level if previous else None,
                "raised": raised,
            },
        )
        if raised:
            _alert_raised(case, actor)
    return assessment


def _alert_raised(case: Case, actor: Any) -> None:
    """The case director and the active participants (not the assessor) hear that the level
    rose: a notice in the portal now, the mail once the assessment is committed."""
    link = f"{reverse('collaboration:case_detail', args=[case.reference])}#risico"
    participants = CaseParticipant.objects.filter(
        case=case, is_active=True, user__is_active=True
    ).select_related("user")
    people = {case.case_director_id: case.case_director} if case.case_director.is_active else {}
    people.update({p.user_id: p.user for p in participants})
    people.pop(actor.pk, None)
    for user in people.values():
        notify(user=user, kind=Kind.RISK_RAISED, link=link, case_reference=case.reference)


def risk_reviews_notify() -> int:
    """Tell case directors once about each subject's latest assessment whose re-assessment date
    has come (today or earlier, Brussels), in cases that are not closed. Returns the count."""
    today = timezone.localdate()
    due = (
        RiskAssessment.objects.filter(
            is_current=True, review_due_on__lte=today, review_notified_at__isnull=True
        )
        .exclude(case__phase=Phase.CLOSED)
        .select_related("case", "case__case_director")
        .order_by("pk")
    )
    sent = 0
    with transaction.atomic():
        for assessment in due.select_for_update(of=("self",)):
            director = assessment.case.case_director
            assessment.review_notified_at = timezone.now()
            assessment.save(update_fields=["review_notified_at"])
            if not director.is_active:
                continue
            link = reverse("collaboration:risk_list", args=[assessment.case.reference])
            notify(
                user=director,
                kind=Kind.RISK_REVIEW_DUE,
                link=f"{link}#taxatie-{assessment.pk}",
                case_reference=assessment.case.reference,
            )
            sent += 1
    return sent
