"""Cases, the partners taking part in them, and the referral a case can grow from."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from collaboration.models import Case, CaseParticipant
from portal.organisations.models import Organisation, Region
from tests.factories.organisations import OrganisationFactory
from tests.factories.people import UserFactory


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"TST-2026-{n:04d}")
    region = Region.OOST_VLAANDEREN
    case_director = factory.SubFactory(UserFactory)


class CaseParticipantFactory(DjangoModelFactory):
    class Meta:
        model = CaseParticipant

    case = factory.SubFactory(CaseFactory)
    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role_in_case = "Begeleider"


def referral_data(organisation: Organisation) -> dict[str, Any]:
    """What a referring professional fills in (``referral_submit`` keywords)."""
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


def approve_current_plan(*, coordinator: Any, case: Case) -> Any:
    """The coordinator (not the case director) approves the plan version that waits since it
    was presented in team regie (issue 17, item 5): the move to execution needs it."""
    from collaboration.services.approvals import plan_approval_decide

    return plan_approval_decide(actor=coordinator, case=case, decision="approve")


def present_and_approve(*, director: Any, coordinator: Any, case: Case, presented_on: Any) -> Any:
    """Present the current plan in team regie and have the coordinator approve it."""
    from collaboration.services.plans import plan_mark_presented

    plan = plan_mark_presented(actor=director, case=case, presented_on=presented_on)
    approve_current_plan(coordinator=coordinator, case=case)
    return plan
