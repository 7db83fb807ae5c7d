"""Organisations, memberships and invitations live on the ground floor now
(``portal.organisations.models``); this module keeps the old import path working inside
``collaboration``."""

from portal.organisations.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Region,
    Role,
    Sector,
)

__all__ = [
    "Invitation",
    "Membership",
    "Organisation",
    "OrganisationKind",
    "Region",
    "Role",
    "Sector",
]
