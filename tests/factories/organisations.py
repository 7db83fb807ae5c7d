"""Partner organisations and the memberships that give people a role in them."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from portal.organisations.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Region,
    Role,
    Sector,
)
from tests.factories.people import UserFactory


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n} (fictief)")
    kind = OrganisationKind.CAW
    sector = Sector.WELFARE
    region = Region.OOST_VLAANDEREN


class VeiligHuisFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Veilig Huis {n} (fictief)")
    kind = OrganisationKind.VEILIG_HUIS


class MembershipFactory(DjangoModelFactory):
    """``MembershipFactory(user__email=..., organisation=vh, role=Role.COORDINATOR)``."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PARTNER
