"""Models of the collaboration side, one module per idea; import them from here."""

from .consults import ConsultRequest, ConsultStatus
from .organisations import Membership, Organisation, OrganisationKind, Region, Role, Sector

__all__ = [
    "ConsultRequest",
    "ConsultStatus",
    "Membership",
    "Organisation",
    "OrganisationKind",
    "Region",
    "Role",
    "Sector",
]
