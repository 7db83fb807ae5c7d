"""The legal bases of the demo cases (fictional): the mother's consent, the network meetings as
case consultations under art. 458ter Sw., and the police/justice sharing under an authorisation
of the procureur des Konings. Attached to the rows the demo wrote, as a user would have chosen
them (a safety plan of the mother on her consent); see ``docs/legal-basis.md``."""

from __future__ import annotations

import datetime

from .models import (
    BasisKind,
    Case,
    CaseParticipant,
    ConsentRecord,
    ConsultationFramework,
    FamilyInformed,
    FamilyRole,
    LegalBasis,
    Meeting,
    Organisation,
    SafetyPlan,
    TimelineEntry,
    Visibility,
)


def attach_demo_bases(case: Case, *, since: datetime.date, home: Organisation) -> None:
    """Register the three bases of a demo case dated ``since`` and tie its participants,
    entries and meetings to them. ``home`` is the case director's Veilig Huis."""
    participating = list(
        Organisation.objects.filter(
            pk__in=CaseParticipant.objects.filter(case=case).values("organisation_id")
        )
    )
    mother = case.family_members.filter(family_role=FamilyRole.MOTHER).first()
    director = case.case_director
    consultation = LegalBasis.objects.create(
        case=case,
        kind=BasisKind.CONSULTATION,
        framework=ConsultationFramework.LAW_OR_DECREE,
        framework_reference="Art. 458ter Sw.; samenwerkingsprotocol ketenaanpak IFG "
        "(fictief voorbeeld)",
        purpose="Netwerkoverleg van de casusregie: de veiligheid van het gezin en de afstemming "
        "van de hulp. Wat gedeeld wordt, dient alleen dat doel.",
        given_on=since,
        family_informed=FamilyInformed.YES,
        family_informed_on=since,
        created_by=director,
    )
    consultation.organisations.set([home, *participating])
    police_and_justice = [o for o in participating if o.sector in ("police", "justice")]
    authorised = LegalBasis.objects.create(
        case=case,
        kind=BasisKind.CONSULTATION,
        framework=ConsultationFramework.PROSECUTOR,
        framework_reference="Machtiging van de procureur des Konings voor de triagetafel "
        "(fictief voorbeeld)",
        purpose="Politie en parket delen hun beslissingen over het gezin met elkaar.",
        given_on=since,
        family_informed=FamilyInformed.NOT_YET,
        created_by=director,
    )
    authorised.organisations.set([home, *police_and_justice])
    plans_basis = consultation  # a safety plan rests on the mother's consent when there is one
    if mother is not None:
        consent = LegalBasis.objects.create(
            case=case,
            kind=BasisKind.CONSENT,
            consent_of=mother,
            consent_recorded=ConsentRecord.SIGNED,
            purpose="Informatie over de hulp aan haar en de kinderen delen met de betrokken "
            "diensten, om de hulp op elkaar af te stemmen.",
            given_on=since,
            family_informed=FamilyInformed.YES,
            family_informed_on=since,
            created_by=director,
        )
        consent.organisations.set([home, *participating])
        plans_basis = consent
    CaseParticipant.objects.filter(case=case).update(legal_basis=consultation)
    Meeting.objects.filter(case=case).update(legal_basis=consultation)
    entries = TimelineEntry.objects.filter(case=case)
    entries.filter(visibility=Visibility.ALL).update(legal_basis=consultation)
    entries.filter(visibility=Visibility.AUDIENCE).update(legal_basis=authorised)
    SafetyPlan.objects.filter(case=case).update(legal_basis=plans_basis)
