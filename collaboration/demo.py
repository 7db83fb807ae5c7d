"""Demo organisations (the nine chain partners of Oost-Vlaanderen, Veilig Huis, a CLB) and the
memberships of the demo people. Names of services are real kinds; the people are fictional."""

from __future__ import annotations

from django.db import transaction

from .models import Membership, Organisation, OrganisationKind, Region, Role, Sector

REGION = Region.OOST_VLAANDEREN

DEMO_ORGANISATIONS: tuple[tuple[str, str, str], ...] = (
    ("Veilig Huis Oost-Vlaanderen", OrganisationKind.VEILIG_HUIS, Sector.WELFARE),
    ("Kind en Gezin Oost-Vlaanderen", OrganisationKind.KIND_EN_GEZIN, Sector.WELFARE),
    ("Vertrouwenscentrum Kindermishandeling Oost-Vlaanderen", OrganisationKind.VERTROUWENSCENTRUM, Sector.WELFARE),
    ("OCJ / SDJ Oost-Vlaanderen", OrganisationKind.OCJ_SDJ, Sector.WELFARE),
    ("OCMW Gent", OrganisationKind.OCMW, Sector.WELFARE),
    ("CAW Oost-Vlaanderen", OrganisationKind.CAW, Sector.WELFARE),
    ("CGG Eclips", OrganisationKind.CGG, Sector.HEALTH),
    ("Politiezone Gent", OrganisationKind.POLICE, Sector.POLICE),
    ("Parket Oost-Vlaanderen", OrganisationKind.PROSECUTION, Sector.JUSTICE),
    ("Justitiehuis Gent", OrganisationKind.JUSTICE_HOUSE, Sector.JUSTICE),
    ("CLB Gent", OrganisationKind.CLB, Sector.EDUCATION),
)

# (person e-mail, organisation name, role)
DEMO_MEMBERSHIPS: tuple[tuple[str, str, str], ...] = (
    ("coordinator@veilighuis.example", "Veilig Huis Oost-Vlaanderen", Role.COORDINATOR),
    ("regisseur@veilighuis.example", "Veilig Huis Oost-Vlaanderen", Role.CASE_DIRECTOR),
    ("partner@caw.example", "CAW Oost-Vlaanderen", Role.PARTNER),
    ("privacy@veilighuis.example", "Veilig Huis Oost-Vlaanderen", Role.PRIVACY_OFFICER),
    ("beheer@politie.example", "Politiezone Gent", Role.ORGANISATION_ADMIN),
)


@transaction.atomic
def ensure_demo_organisations(users: dict) -> dict[str, Organisation]:
    organisations = {}
    for name, kind, sector in DEMO_ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            name=name, defaults={"kind": kind, "sector": sector, "region": REGION}
        )
        organisations[name] = organisation
    for email, organisation_name, role in DEMO_MEMBERSHIPS:
        Membership.objects.get_or_create(
            user=users[email], organisation=organisations[organisation_name], role=role
        )
    return organisations
