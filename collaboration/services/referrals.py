"""Referrals: submitted by a professional, accepted (a case is created and a case director
assigned) or declined with a reason by a coordinator of the region. The referrer hears of the
decision through a notification without case content.

A decision is final: its audit record carries the hash of the decision
(``selectors.final_records.referral_decision_sha256``) and on PostgreSQL a trigger refuses
changing it (migration 0021), so ``portal.audit.final_records`` can prove it unchanged."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction
from portal.audit.writer import record_event

from ..access import NotFoundOrNotAllowed, actor_profile
from ..models import (
    REGION_CODES,
    Case,
    CaseCounter,
    CaseParticipant,
    ConsultRequest,
    ConsultStatus,
    FamilyKnows,
    LifeDomain,
    Membership,
    Organisation,
    Referral,
    ReferralStatus,
    Role,
    Urgency,
    ViolenceForm,
)
from ..selectors.final_records import DECISION_HASH_KEY, referral_decision_sha256
from .notifications import Kind, notify


def _check_choices(
    values: list[str], allowed: list[str], field: str, *, required: bool
) -> list[str]:
    values = list(dict.fromkeys(values or []))
    if required and not values:
        raise ValidationError({field: _("Kies minstens één mogelijkheid.")})
    if any(v not in allowed for v in values):
        raise ValidationError({field: _("Kies alleen uit de gegeven mogelijkheden.")})
    return values


def referral_submit(
    *,
    actor: Any,
    organisation: Organisation,
    family_composition: str,
    violence_forms: list[str],
    life_domains: list[str],
    criterion_complexity: str,
    criterion_multiple_domains: str,
    criterion_stuck_help: str,
    services_involved: str = "",
    urgency: str = Urgency.NORMAL,
    family_knows: str = "",
    family_informed_on: datetime.date | None = None,
    consult: ConsultRequest | None = None,
) -> Referral:
    """A professional refers a family for their organisation (the region follows from it).

    A coordinator converting a consult question refers on the asker's behalf: when the asker has
    a portal account, they are the referrer (with their service) and hear of the decision."""
    profile = actor_profile(actor)
    if organisation.pk not in profile.organisation_ids:
        raise NotFoundOrNotAllowed
    if consult is not None and (
        consult.region not in profile.coordinator_regions
        or consult.status in (ConsultStatus.CONVERTED, ConsultStatus.CLOSED)
    ):
        raise NotFoundOrNotAllowed
    if family_informed_on is not None:
        if family_knows not in (FamilyKnows.YES, FamilyKnows.PARTLY):
            raise ValidationError(
                {
                    "family_informed_on": _(
                        "Een datum hoort alleen bij een gezin dat van de aanmelding weet."
                    )
                }
            )
        if family_informed_on > timezone.localdate():
            raise ValidationError({"family_informed_on": _("Deze datum ligt in de toekomst.")})
    referrer, referring_organisation = actor, organisation
    if consult is not None:
        from .consults import consult_asker

        asker = consult_asker(consult)
        if asker is not None:
            referrer, referring_organisation = asker
    referral = Referral(
        region=consult.region if consult is not None else organisation.region,
        referrer=referrer,
        referring_organisation=referring_organisation,
        family_composition=family_composition.strip(),
        violence_forms=_check_choices(
            violence_forms, ViolenceForm.values, "violence_forms", required=True
        ),
        life_domains=_check_choices(life_domains, LifeDomain.values, "life_domains", required=True),
        criterion_complexity=criterion_complexity.strip(),
        criterion_multiple_domains=criterion_multiple_domains.strip(),
        criterion_stuck_help=criterion_stuck_help.strip(),
        services_involved=services_involved.strip(),
        urgency=urgency,
        family_knows=family_knows or "",
        family_informed_on=family_informed_on,
        consult=consult,
    )
    referral.full_clean()
    with transaction.atomic():
        referral.save()
        if consult is not None:
            consult.status = ConsultStatus.CONVERTED
            consult.save(update_fields=["status", "updated_at"])
        record_event(
            action=AuditAction.REFERRAL_SUBMITTED,
            actor=actor,
            organisation=organisation.name,
            object_type="referral",
            object_id=referral.pk,
            extra={"urgency": referral.urgency, "from_consult": consult is not None},
        )
        link = reverse("collaboration:referral_detail", args=[referral.pk])
        coordinators = {
            m.user
            for m in Membership.objects.filter(
                role=Role.COORDINATOR,
                is_active=True,
                organisation__region=referral.region,
                organisation__is_active=True,
                user__is_active=True,
            ).select_related("user")
        }
        for coordinator in coordinators:
            notify(user=coordinator, kind=Kind.NEW_REFERRAL, link=link)
    return referral


def _next_reference(region: str, year: int) -> str:
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(
        region=region, year=year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"VH-{REGION_CODES[region]}-{year}-{counter.last_number:04d}"


def _lock_pending(referral: Referral) -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != ReferralStatus.SUBMITTED:
        raise ValidationError(_("Over deze aanmelding is al beslist."))
    return locked


def _require_coordinator(actor: Any, referral: Referral) -> Any:
    profile = actor_profile(actor)
    if referral.region not in profile.coordinator_regions:
        raise NotFoundOrNotAllowed
    return profile


def referral_accept(*, actor: Any, referral: Referral, case_director: Any) -> Case:
    """Accept: create the case with a pseudonymous reference, assign its director."""
    profile = _require_coordinator(actor, referral)
    director_ok = Membership.objects.filter(
        user=case_director,
        user__is_active=True,
        is_active=True,
        organisation__is_active=True,
        organisation__region=referral.region,
        role__in=[Role.CASE_DIRECTOR, Role.COORDINATOR],
    ).exists()
    if not director_ok:
        raise ValidationError(
            {"case_director": _("Kies een casusregisseur van Veilig Huis in deze regio.")}
        )
    with transaction.atomic():
        referral = _lock_pending(referral)
        now = timezone.now()
        case = Case.objects.create(
            reference=_next_reference(referral.region, now.year),
            region=referral.region,
            case_director=case_director,
            referral=referral,
        )
        CaseParticipant.objects.create(
            case=case,
            user=referral.referrer,
            organisation=referral.referring_organisation,
            role_in_case=_("Aanmelder"),
        )
        referral.status = ReferralStatus.ACCEPTED
        referral.decided_by = actor
        referral.decided_at = now
        referral.save(update_fields=["status", "decided_by", "decided_at"])
        record_event(
            action=AuditAction.REFERRAL_ACCEPTED,
            actor=actor,
            organisation=profile.label[:200],
            role="coordinator",
            object_type="referral",
            object_id=referral.pk,
            case_reference=case.reference,
            extra={
                "case_director_id": case_director.pk,
                DECISION_HASH_KEY: referral_decision_sha256(referral),
            },
        )
        case_link = reverse("collaboration:case_detail", args=[case.reference])
        notify(
            user=case_director,
            kind=Kind.ASSIGNMENT,
            link=case_link,
            case_reference=case.reference,
        )
        notify(
            user=referral.referrer,
            kind=Kind.REFERRAL_DECISION,
            link=reverse("collaboration:referral_detail", args=[referral.pk]),
        )
    return case


def referral_decline(*, actor: Any, referral: Referral, reason: str, advice: str = "") -> Referral:
    profile = _require_coordinator(actor, referral)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Geef de reden waarom de aanmelding niet past.")})
    with transaction.atomic():
        referral = _lock_pending(referral)
        referral.status = ReferralStatus.DECLINED
        referral.decline_reason = reason
        referral.decline_advice = advice.strip()
        referral.decided_by = actor
        referral.decided_at = timezone.now()
        referral.full_clean()
        referral.save()
        record_event(
            action=AuditAction.REFERRAL_DECLINED,
            actor=actor,
            organisation=profile.label[:200],
            role="coordinator",
            object_type="referral",
            object_id=referral.pk,
            extra={DECISION_HASH_KEY: referral_decision_sha256(referral)},
        )
        notify(
            user=referral.referrer,
            kind=Kind.REFERRAL_DECISION,
            link=reverse("collaboration:referral_detail", args=[referral.pk]),
        )
    return referral


def decision_working_days() -> int:
    """Working days a coordinator has to accept or decline a referral (a setting, default 5)."""
    from django.conf import settings

    return int(getattr(settings, "REFERRAL_DECISION_WORKING_DAYS", 5))


def referral_escalation_day(referral: Referral) -> Any:
    """The Brussels date on which an undecided referral escalates: the date it came in (in
    Brussels) plus ``REFERRAL_DECISION_WORKING_DAYS`` working days (Monday to Friday; the
    working-day rule of the consult questions, services/consults.py)."""
    from .consults import BRUSSELS, add_working_days

    received = timezone.localtime(referral.created_at, BRUSSELS).date()
    return add_working_days(received, decision_working_days())


def referral_is_overdue(referral: Referral, today: Any) -> bool:
    return (
        referral.status == ReferralStatus.SUBMITTED and referral_escalation_day(referral) <= today
    )


def referrals_escalate(*, now: Any = None) -> list[Referral]:
    """Escalate, once, each referral still undecided (neither accepted nor declined) on its
    escalation day: the region's coordinators are notified (``REFERRAL_OVERDUE``, a mail
    without content) and the escalation is audited (``REFERRAL_ESCALATED``, ids only).
    A periodic task (collaboration/tasks.py). Returns the escalated referrals."""
    import datetime as dt

    from .consults import BRUSSELS, region_coordinators

    now = now or timezone.now()
    today = timezone.localtime(now, BRUSSELS).date()
    # cheap pre-filter: N working days are at least N calendar days
    candidates = Referral.objects.filter(
        status=ReferralStatus.SUBMITTED,
        escalated_at__isnull=True,
        created_at__lte=now - dt.timedelta(days=max(decision_working_days() - 1, 0)),
    ).order_by("created_at", "pk")
    escalated: list[Referral] = []
    with transaction.atomic():
        for referral in candidates.select_for_update(skip_locked=True):
            if referral_escalation_day(referral) > today:
                continue
            link = reverse("collaboration:referral_detail", args=[referral.pk])
            people = sorted(region_coordinators(referral.region), key=lambda user: user.pk)
            for person in people:
                notify(user=person, kind=Kind.REFERRAL_OVERDUE, link=link)
            referral.escalated_at = now
            referral.save(update_fields=["escalated_at"])
            record_event(
                action=AuditAction.REFERRAL_ESCALATED,
                object_type="referral",
                object_id=referral.pk,
                extra={
                    "referral_id": referral.pk,
                    "working_days": decision_working_days(),
                    "notified": len(people),
                },
            )
            escalated.append(referral)
    return escalated
