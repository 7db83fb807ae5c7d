"""The small fictional worlds the suites share, built from the factories.

``build_case_world``: Veilig Huis Oost-Vlaanderen with a coordinator, a case director and a
privacy officer; a CAW and a police partner; a CLB that refers; a partner in another region;
and one case in exploration (the ``world`` fixture in tests/conftest.py).

``build_agencies``: the browser journeys' agencies, every person with a confirmed device."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.test import Client

from collaboration.models import Case
from collaboration.services.referrals import referral_accept, referral_submit
from portal.organisations.models import Organisation, OrganisationKind, Region, Role, Sector
from tests.factories.cases import CaseParticipantFactory, referral_data
from tests.factories.organisations import MembershipFactory, OrganisationFactory
from tests.factories.people import TOTPDeviceFactory

OVL = Region.OOST_VLAANDEREN


def member(email: str, name: str, organisation: Organisation, role: str) -> Any:
    """A person with ``role`` in ``organisation``."""
    return MembershipFactory(
        user__email=email, user__full_name=name, organisation=organisation, role=role
    ).user


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


def build_case_world() -> World:
    welfare, police_sector = Sector.WELFARE, Sector.POLICE
    vh = OrganisationFactory(
        name="Veilig Huis Test", kind=OrganisationKind.VEILIG_HUIS, sector=welfare
    )
    caw = OrganisationFactory(name="CAW Test", kind=OrganisationKind.CAW, sector=welfare)
    police = OrganisationFactory(
        name="Politie Test", kind=OrganisationKind.POLICE, sector=police_sector
    )
    clb = OrganisationFactory(name="CLB Test", kind=OrganisationKind.CLB, sector=Sector.EDUCATION)
    other_caw = OrganisationFactory(
        name="CAW Limburg Test", kind=OrganisationKind.CAW, sector=welfare, region=Region.LIMBURG
    )
    coordinator = member("coord@test.example", "Cora Coördinator", vh, Role.COORDINATOR)
    director = member("regie@test.example", "Rik Regisseur", vh, Role.CASE_DIRECTOR)
    privacy = member("privacy@test.example", "Pia Privacy", vh, Role.PRIVACY_OFFICER)
    caw_partner = member("caw@test.example", "Carla CAW", caw, Role.PARTNER)
    police_partner = member("politie@test.example", "Paul Politie", police, Role.PARTNER)
    referrer = member("clb@test.example", "Cleo CLB", clb, Role.PARTNER)
    outsider_member = member("limburg@test.example", "Lode Limburg", other_caw, Role.PARTNER)
    caw_colleague = member("caw2@test.example", "Cas CAW", caw, Role.PARTNER)

    referral = referral_submit(actor=referrer, **referral_data(clb))
    case = referral_accept(actor=coordinator, referral=referral, case_director=director)
    CaseParticipantFactory(
        case=case, user=caw_partner, organisation=caw, role_in_case="Crisisbegeleiding"
    )
    CaseParticipantFactory(
        case=case, user=police_partner, organisation=police, role_in_case="Sociale cel"
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


@dataclass
class Person:
    user: Any
    device: Any
    organisation: Organisation

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def name(self) -> str:
        return self.user.full_name


@dataclass
class Agencies:
    """Veilig Huis Oost-Vlaanderen with its coordinator, a case director and a privacy officer;
    a CAW and the police as partners; a CLB that refers. Every name is invented."""

    veilig_huis: Organisation
    caw: Organisation
    police: Organisation
    clb: Organisation
    coordinator: Person
    director: Person
    privacy: Person
    caw_partner: Person
    police_partner: Person
    referrer: Person


def build_agencies() -> Agencies:
    def org(name: str, kind: str, sector: str) -> Organisation:
        return OrganisationFactory(name=name, kind=kind, sector=sector, region=OVL)

    vh = org("Veilig Huis Reisduin (fictief)", OrganisationKind.VEILIG_HUIS, Sector.WELFARE)
    caw = org("CAW Reisduin (fictief)", OrganisationKind.CAW, Sector.WELFARE)
    police = org("Politiezone Reisduin (fictief)", OrganisationKind.POLICE, Sector.POLICE)
    clb = org("CLB Reisduin (fictief)", OrganisationKind.CLB, Sector.EDUCATION)

    def person(email: str, name: str, organisation: Organisation, role: str) -> Person:
        user = member(email, name, organisation, role)
        return Person(user=user, device=TOTPDeviceFactory(user=user), organisation=organisation)

    return Agencies(
        veilig_huis=vh,
        caw=caw,
        police=police,
        clb=clb,
        coordinator=person("cora@vh.example", "Cora Coördinator", vh, Role.COORDINATOR),
        director=person("rik@vh.example", "Rik Regisseur", vh, Role.CASE_DIRECTOR),
        privacy=person("pia@vh.example", "Pia Privacy", vh, Role.PRIVACY_OFFICER),
        caw_partner=person("carla@caw.example", "Carla Caw", caw, Role.PARTNER),
        police_partner=person("paul@politie.example", "Paul Politie", police, Role.PARTNER),
        referrer=person("cleo@clb.example", "Cleo Clb", clb, Role.PARTNER),
    )
