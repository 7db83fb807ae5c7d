"""A standing legal basis for tests whose subject is not the register itself: a 458ter case
consultation of the case covering every active organisation, so their sharing acts pass the
basis check (``collaboration.services.legal_bases.require_sharing_basis``). Tests of the rule
itself build their own bases through the service."""

from __future__ import annotations

import datetime
from typing import Any

from collaboration.models import (
    BasisKind,
    ConsultationFramework,
    FamilyInformed,
    LegalBasis,
    Organisation,
)


def standing_basis(case: Any) -> int:
    """The id of the case's standing test basis, created on first use; it covers every active
    organisation at the time of each call (organisations created later are added)."""
    basis = LegalBasis.objects.filter(
        case=case, kind=BasisKind.CONSULTATION, framework_reference="Fictief testkader"
    ).first()
    if basis is None:
        basis = LegalBasis.objects.create(
            case=case,
            kind=BasisKind.CONSULTATION,
            framework=ConsultationFramework.LAW_OR_DECREE,
            framework_reference="Fictief testkader",
            purpose="Fictief casusoverleg voor de tests.",
            given_on=datetime.date(2020, 1, 1),
            family_informed=FamilyInformed.YES,
            family_informed_on=datetime.date(2020, 1, 1),
            created_by=case.case_director,
        )
    basis.organisations.add(*Organisation.objects.filter(is_active=True))
    return basis.pk
