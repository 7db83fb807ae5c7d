"""The register of legal bases and the one check every sharing act goes through.

``require_sharing_basis`` is called by each service that lets information reach another
organisation (adding a participant, giving an entry or a document its audience, inviting to a
meeting, exporting the minutes). It refuses, in Dutch and audited as denied, an act without a
basis, under a withdrawn or ended basis, under an urgent necessity whose review is overdue, or
towards an organisation the basis does not cover. The act's audit record then carries the id.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction, Outcome
from portal.audit.writer import record_event

from ..access import ActorProfile, NotFoundOrNotAllowed, actor_profile, can_direct
from ..models import (
    BasisKind,
    Case,
    CaseParticipant,
    ConsentRecord,
    ConsultationFramework,
    FamilyInformed,
    FamilyMember,
    LegalBasis,
    Organisation,
    UrgentReview,
    Visibility,
)
from ._common import audit_change, require_case_right, require_open, retraction_reason
from .consults import region_coordinators
from .flags import alert_case_people
from .notifications import Kind, notify


def urgent_review_hours() -> int:
    """Within how many hours a coordinator reviews sharing on an urgent necessity."""
    return int(getattr(settings, "LEGAL_BASIS_URGENT_REVIEW_HOURS", 24))


def _text(value: str, *, field: str, message: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > limit:
        raise ValidationError({field: _("Deze tekst is te lang.")})
    return value


def _check_date(value: datetime.date | None, *, field: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: _("Deze datum ligt in de toekomst.")})


def _organisations(organisation_ids: Iterable[int], region: str) -> list[Organisation]:
    """Active services of the case's region (a basis does not reach into another region)."""
    ids = {int(i) for i in organisation_ids}
    organisations = list(Organisation.objects.filter(pk__in=ids, is_active=True, region=region))
    if not ids or len(organisations) != len(ids):
        raise ValidationError(
            {"organisations": _("Kies de diensten die op deze grondslag informatie ontvangen.")}
        )
    return organisations


def legal_basis_record(
    *,
    actor: Any,
    case: Case,
    kind: str,
    organisation_ids: Iterable[int],
    purpose: str,
    given_on: datetime.date,
    consent_of_id: int | None = None,
    consent_recorded: str = "",
    framework: str = "",
    framework_reference: str = "",
    family_informed: str = "",
    family_informed_on: datetime.date | None = None,
    family_informed_note: str = "",
) -> LegalBasis:
    """Register a basis in the case (the case director or a coordinator of the region).

    Consent names the family member who gave it and how it was recorded; a 458ter case
    consultation names its framework or authorisation; an urgent necessity is justified in
    ``purpose`` and must be reviewed by a coordinator within ``urgent_review_hours``."""
    profile, access = require_case_right(
        actor=actor, case=case, check=can_direct, what="legal_basis"
    )
    require_open(case)
    if kind not in BasisKind.values:
        raise ValidationError({"kind": _("Kies een soort grondslag.")})
    purpose = _text(
        purpose,
        field="purpose",
        message=_("Beschrijf waarvoor deze grondslag geldt."),
        limit=2000,
    )
    _check_date(given_on, field="given_on")
    basis = LegalBasis(case=case, kind=kind, purpose=purpose, given_on=given_on, created_by=actor)
    if kind == BasisKind.CONSENT:
        member = FamilyMember.objects.filter(
            case=case, pk=consent_of_id or 0, removed_at__isnull=True
        ).first()
        if member is None:
            raise ValidationError({"consent_of": _("Kies wie de toestemming gaf.")})
        if consent_recorded not in ConsentRecord.values:
            raise ValidationError(
                {"consent_recorded": _("Kies hoe de toestemming werd vastgelegd.")}
            )
        basis.consent_of = member
        basis.consent_recorded = consent_recorded
    elif kind == BasisKind.CONSULTATION:
        if framework not in ConsultationFramework.values:
            raise ValidationError({"framework": _("Kies het kader van het casusoverleg.")})
        basis.framework = framework
        basis.framework_reference = _text(
            framework_reference,
            field="framework_reference",
            message=_("Noem de wet, het decreet of de machtiging van de procureur des Konings."),
            limit=300,
        )
        if family_informed not in FamilyInformed.values:
            raise ValidationError(
                {"family_informed": _("Geef aan of het gezin van het overleg weet.")}
            )
    else:
        basis.review_due_at = timezone.now() + datetime.timedelta(hours=urgent_review_hours())
    if family_informed and family_informed not in FamilyInformed.values:
        raise ValidationError({"family_informed": _("Kies een antwoord uit de lijst.")})
    basis.family_informed = family_informed
    if family_informed == FamilyInformed.YES:
        if family_informed_on is None:
            raise ValidationError({"family_informed_on": _("Wanneer werd het gezin geïnformeerd?")})
        _check_date(family_informed_on, field="family_informed_on")
        basis.family_informed_on = family_informed_on
    if family_informed == FamilyInformed.NO and not family_informed_note.strip():
        raise ValidationError(
            {"family_informed_note": _("Leg uit waarom het gezin niet geïnformeerd wordt.")}
        )
    basis.family_informed_note = family_informed_note.strip()[:1000]
    organisations = _organisations(organisation_ids, case.region)
    basis.full_clean(exclude=["organisations"])
    with transaction.atomic():
        basis.save()
        basis.organisations.set(organisations)
        audit_change(
            action=AuditAction.LEGAL_BASIS_RECORDED,
            actor=actor,
            profile=profile,
            case=case,
            basis=access,
            object_type="legal_basis",
            object_id=basis.pk,
            extra={
                "legal_basis_id": basis.pk,
                "kind": kind,
                "organisation_ids": sorted(o.pk for o in organisations),
            },
        )
        if kind == BasisKind.URGENT:
            _notify_coordinators(case, actor=actor, kind=Kind.URGENT_REVIEW)
    return basis


def _notify_coordinators(case: Case, *, actor: Any, kind: str) -> None:
    """The region's coordinators other than ``actor`` (who may not review their own urgency)."""
    link = reverse("collaboration:legal_bases", args=[case.reference])
    for user in sorted(region_coordinators(case.region), key=lambda u: u.pk):
        if user.pk != actor.pk:
            notify(user=user, kind=kind, link=link, case_reference=case.reference)


def _basis_of(case: Case, basis_id: int, *, lock: bool = False) -> LegalBasis:
    rows = LegalBasis.objects.filter(case=case, pk=basis_id)
    if lock:
        rows = rows.select_for_update()
    basis = rows.first()
    if basis is None:
        raise NotFoundOrNotAllowed
    return basis


def legal_basis_end(*, actor: Any, case: Case, basis_id: int, reason: str) -> LegalBasis:
    """Withdraw a consent (or end any basis) with a reason: from now on nothing more is shared
    under it; what was shared stays listed with it. The case's people are alerted."""
    profile, access = require_case_right(
        actor=actor, case=case, check=can_direct, what="legal_basis_end"
    )
    reason = retraction_reason(reason)
    with transaction.atomic():
        basis = _basis_of(case, basis_id, lock=True)
        if basis.is_ended:
            raise ValidationError(_("Deze grondslag is al ingetrokken of beëindigd."))
        basis.ended_at = timezone.now()
        basis.ended_by = actor
        basis.end_reason = reason
        basis.save(update_fields=["ended_at", "ended_by", "end_reason"])
        audit_change(
            action=AuditAction.LEGAL_BASIS_ENDED,
            actor=actor,
            profile=profile,
            case=case,
            basis=access,
            object_type="legal_basis",
            object_id=basis.pk,
            extra={"legal_basis_id": basis.pk, "kind": basis.kind},
        )
        if basis.kind == BasisKind.CONSENT:
            link = reverse("collaboration:legal_basis_detail", args=[case.reference, basis.pk])
            alert_case_people(case=case, kind=Kind.CONSENT_WITHDRAWN, actor=actor, link=link)
    return basis


def urgent_review(
    *, actor: Any, case: Case, basis_id: int, outcome: str, note: str = ""
) -> LegalBasis:
    """A coordinator of the region, not the one who invoked it nor the case director,
    confirms an urgent necessity or ends it. Anyone else is refused as not found."""
    regions = actor_profile(actor).coordinator_regions
    profile, access = require_case_right(
        actor=actor,
        case=case,
        check=lambda found: found is not None and case.region in regions,
        what="legal_basis_review",
    )
    if outcome not in UrgentReview.values:
        raise ValidationError({"outcome": _("Kies een beoordeling.")})
    note = note.strip()
    if outcome == UrgentReview.ENDED and not note:
        raise ValidationError({"note": _("Leg uit waarom de noodtoestand niet bevestigd wordt.")})
    if len(note) > 2000:
        raise ValidationError({"note": _("Deze tekst is te lang.")})
    with transaction.atomic():
        basis = _basis_of(case, basis_id, lock=True)
        if basis.kind != BasisKind.URGENT or basis.reviewed_at is not None:
            raise NotFoundOrNotAllowed
        if actor.pk in (basis.created_by_id, case.case_director_id):
            raise ValidationError(
                _(
                    "Een andere coördinator dan wie de noodtoestand inriep en dan de "
                    "casusregisseur beoordeelt deze deling."
                )
            )
        basis.reviewed_at = timezone.now()
        basis.reviewed_by = actor
        basis.review_outcome = outcome
        basis.review_note = note
        fields = ["reviewed_at", "reviewed_by", "review_outcome", "review_note"]
        if outcome == UrgentReview.ENDED:
            basis.ended_at, basis.ended_by, basis.end_reason = basis.reviewed_at, actor, note
            fields += ["ended_at", "ended_by", "end_reason"]
        basis.save(update_fields=fields)
        audit_change(
            action=AuditAction.LEGAL_BASIS_REVIEWED,
            actor=actor,
            profile=profile,
            case=case,
            basis=access,
            object_type="legal_basis",
            object_id=basis.pk,
            extra={"legal_basis_id": basis.pk, "outcome": outcome},
        )
    return basis


# --- the check every sharing act makes -----------------------------------------------------


def recipients_of_audience(
    *,
    case: Case,
    profile: ActorProfile,
    visibility: str,
    sectors: Iterable[str] = (),
    organisation_ids: Iterable[int] = (),
) -> set[int]:
    """The organisations an entry or a document reaches, other than the author's own: every
    participating service when shared with all, else the named services and the participating
    services of the named sectors."""
    participating = CaseParticipant.objects.filter(case=case, is_active=True)
    if visibility == Visibility.ALL:
        reached = set(participating.values_list("organisation_id", flat=True))
    else:
        reached = {int(i) for i in organisation_ids}
        if sectors:
            reached |= set(
                participating.filter(organisation__sector__in=list(sectors)).values_list(
                    "organisation_id", flat=True
                )
            )
    return reached - set(profile.organisation_ids)


def recipients_of_invitation(
    *, case: Case, profile: ActorProfile, user_ids: Iterable[int]
) -> set[int]:
    """The organisations the invited people take part for."""
    reached = set(
        CaseParticipant.objects.filter(
            case=case, is_active=True, user_id__in=[int(i) for i in user_ids]
        ).values_list("organisation_id", flat=True)
    )
    return reached - set(profile.organisation_ids)


def _refuse(
    *,
    actor: Any,
    profile: ActorProfile,
    case: Case,
    what: str,
    why: str,
    message: str,
    basis_id: int | None = None,
) -> NoReturn:
    record_event(
        action=AuditAction.CASE_CHANGED,
        actor=actor,
        outcome=Outcome.DENIED,
        organisation=profile.label[:200],
        object_type="case",
        object_id=case.pk,
        case_reference=case.reference,
        extra={"change": what, "refused": why, "legal_basis_id": basis_id},
    )
    raise ValidationError({"legal_basis": message})


def require_sharing_basis(
    *,
    actor: Any,
    profile: ActorProfile,
    case: Case,
    legal_basis_id: int | None,
    organisation_ids: Iterable[int],
    what: str,
) -> LegalBasis:
    """The basis a sharing act rests on, or a Dutch refusal (audited as denied) when there is
    none, it was withdrawn or ended, its urgent review is overdue, or it does not cover every
    organisation the act reaches."""
    basis = (
        LegalBasis.objects.filter(case=case, pk=legal_basis_id).first() if legal_basis_id else None
    )
    if basis is None:
        return _refuse(
            actor=actor,
            profile=profile,
            case=case,
            what=what,
            why="no_basis",
            message=_(
                "Kies de grondslag waarop u deelt (toestemming, casusoverleg of noodtoestand). "
                "Zonder grondslag wordt er niets gedeeld."
            ),
        )
    if basis.is_ended:
        _refuse(
            actor=actor,
            profile=profile,
            case=case,
            what=what,
            why="basis_ended",
            basis_id=basis.pk,
            message=_(
                "Deze grondslag is ingetrokken of beëindigd; er kan niets meer op gedeeld "
                "worden. Kies een andere grondslag."
            ),
        )
    if basis.giver_removed:
        _refuse(
            actor=actor,
            profile=profile,
            case=case,
            what=what,
            why="giver_removed",
            basis_id=basis.pk,
            message=_(
                "Wie deze toestemming gaf, is uit het dossier verwijderd; er kan niets meer op "
                "gedeeld worden. Kies een andere grondslag."
            ),
        )
    if not basis.usable():
        _refuse(
            actor=actor,
            profile=profile,
            case=case,
            what=what,
            why="review_overdue",
            basis_id=basis.pk,
            message=_(
                "Deze deling bij noodtoestand is niet op tijd beoordeeld door een coördinator; "
                "er kan niets meer op gedeeld worden tot een andere grondslag geregistreerd is."
            ),
        )
    covered = set(basis.organisations.values_list("pk", flat=True))
    missing = set(organisation_ids) - covered
    if missing:
        names = ", ".join(
            sorted(Organisation.objects.filter(pk__in=missing).values_list("name", flat=True))
        )
        _refuse(
            actor=actor,
            profile=profile,
            case=case,
            what=what,
            why="not_covered",
            basis_id=basis.pk,
            message=_(
                "Deze grondslag dekt het delen met %(names)s niet. Beperk wie het ziet of kies "
                "een andere grondslag."
            )
            % {"names": names},
        )
    return basis


def hold_basis(basis: LegalBasis) -> LegalBasis:
    """Inside the act's transaction: lock the basis (``legal_basis_end`` and ``urgent_review``
    lock it too) and check again that it carries sharing, so a consent withdrawn between the
    check and the save stops the act and nothing is saved."""
    locked = (
        LegalBasis.objects.select_for_update(of=("self",))
        .select_related("consent_of")
        .get(pk=basis.pk)
    )
    if not locked.usable():
        raise ValidationError(
            {
                "legal_basis": _(
                    "Deze grondslag werd intussen ingetrokken of beëindigd; er is niets gedeeld. "
                    "Kies een andere grondslag."
                )
            }
        )
    return locked
