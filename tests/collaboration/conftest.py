"""A small fictional world for the case-workspace tests: Veilig Huis Oost-Vlaanderen with a
coordinator, a case director and a privacy officer; a CAW and a police partner; a CLB that
refers; a partner in another region; and one case in exploration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from collaboration.models import (
    Case,
    CaseParticipant,
    Membership,
    Organisation,
    OrganisationKind,
    Region,
    Role,
    Sector,
)
from collaboration.services.referrals import referral_accept, referral_submit

OVL = Region.OOST_VLAANDEREN


@dataclass
class World:
    vh: Organisation
    caw: Organisation
    police: Organisation
    clb: Organisation
    other_caw: Organisation
    coordinator: Any
    director: Any
    privacy: Any
    caw_partner: Any
    police_partner: Any
    referrer: Any
    outsider_member: Any
    caw_colleague: Any
    case: Case

    def client(self, verified_client: Callable[..., Client], who: str) -> Client:
        return verified_client(getattr(self, who))


def referral_data(organisation: Organisation) -> dict[str, Any]:
    return {
        "organisation": organisation,
        "family_composition": "Moeder, vader, drie kinderen (fictief).",
        "violence_forms": ["partner", "child_abuse"],
        "life_domains": ["housing", "parenting", "finances"],
        "criterion_complexity": "Meerdere politietussenkomsten; afstemming met parket nodig.",
        "criterion_multiple_domains": "Wonen, opvoeding en financiën.",
        "criterion_stuck_help": "De hulpverlening komt niet op gang.",
        "services_involved": "SDJ, sociale cel politie",
        "urgency": "high",
        "family_knows": "partly",
    }


@pytest.fixture
def world(make_user: Callable[..., Any], settings: Any, tmp_path: Any) -> World:
    settings.CASE_DOCUMENTS_ROOT = str(tmp_path / "private")

    def org(name: str, kind: str, sector: str, region: str = OVL) -> Organisation:
        return Organisation.objects.create(name=name, kind=kind, sector=sector, region=region)

    vh = org("Veilig Huis Test", OrganisationKind.VEILIG_HUIS, Sector.WELFARE)
    caw = org("CAW Test", OrganisationKind.CAW, Sector.WELFARE)
    police = org("Politie Test", OrganisationKind.POLICE, Sector.POLICE)
    clb = org("CLB Test", OrganisationKind.CLB, Sector.EDUCATION)
    other_caw = org("CAW Limburg Test", OrganisationKind.CAW, Sector.WELFARE, Region.LIMBURG)

    def person(email: str, name: str, organisation: Organisation, role: str) -> Any:
        user = make_user(email=email, full_name=name)
        Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    coordinator = person("coord@test.example", "Cora Coördinator", vh, Role.COORDINATOR)
    director = person("regie@test.example", "Rik Regisseur", vh, Role.CASE_DIRECTOR)
    privacy = person("privacy@test.example", "Pia Privacy", vh, Role.PRIVACY_OFFICER)
    caw_partner = person("caw@test.example", "Carla CAW", caw, Role.PARTNER)
    police_partner = person("politie@test.example", "Paul Politie", police, Role.PARTNER)
    referrer = person("clb@test.example", "Cleo CLB", clb, Role.PARTNER)
    outsider_member = person("limburg@test.example", "Lode Limburg", other_caw, Role.PARTNER)
    caw_colleague = person("caw2@test.example", "Cas CAW", caw, Role.PARTNER)

    referral = referral_submit(actor=referrer, **referral_data(clb))
    case = referral_accept(actor=coordinator, referral=referral, case_director=director)
    for user, organisation, role in (
        (caw_partner, caw, "Crisisbegeleiding"),
        (police_partner, police, "Sociale cel"),
    ):
        CaseParticipant.objects.create(
            case=case, user=user, organisation=organisation, role_in_case=role
        )
    return World(
        vh=vh,
        caw=caw,
        police=police,
        clb=clb,
        other_caw=other_caw,
        coordinator=coordinator,
        director=director,
        privacy=privacy,
        caw_partner=caw_partner,
        police_partner=police_partner,
        referrer=referrer,
        outsider_member=outsider_member,
        caw_colleague=caw_colleague,
        case=case,
    )
