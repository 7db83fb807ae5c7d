"""Coordinators who can receive consult questions: the public form offers, and the service
accepts, only regions that have one (collaboration/services/consults.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories.organisations import MembershipFactory, OrganisationFactory
from tests.factories.people import UserFactory


def make_region_coordinator(region: str, *, email: str = "") -> Any:
    """An active coordinator of an active Veilig Huis organisation in ``region``."""
    from collaboration.models import Role

    organisation = OrganisationFactory(
        name=f"Veilig Huis {region}", kind="veilig_huis", sector="other", region=region
    )
    user = UserFactory(
        email=email or f"coord-{region}@consult.example", full_name=f"Fictieve Coördinator {region}"
    )
    MembershipFactory(user=user, organisation=organisation, role=Role.COORDINATOR)
    return user


@pytest.fixture
def consult_coordinators(db: Any) -> dict[str, Any]:
    """One coordinator in every region, so every region can receive a question."""
    from collaboration.models import Region

    return {region: make_region_coordinator(region) for region in Region.values}
