"""Referral into case (issue 15 item 8): what the referral said (family, the three criteria,
life domains, urgency, whether the family knows) comes with the case when it is accepted and
stays readable on the case page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from collaboration.forms import ReferralForm
from collaboration.models import Organisation, Referral
from collaboration.services.referrals import referral_accept, referral_submit
from portal.security.once import new_token
from tests.factories.cases import referral_data

pytestmark = pytest.mark.django_db


def test_referral_form_asks_whether_the_family_knows(world: Any) -> None:
    organisations = Organisation.objects.filter(pk=world.clb.pk)
    form = ReferralForm(organisations=organisations)
    assert str(form["family_knows"].label) == "Weet het gezin van de aanmelding?"
    data = referral_data(world.clb) | {"organisation": world.clb.pk, "family_knows": "no"}
    bound = ReferralForm(data={**data, "once": new_token()}, organisations=organisations)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["family_knows"] == "no"
    wrong = ReferralForm(
        data={**data, "family_knows": "misschien", "once": new_token()},
        organisations=organisations,
    )
    assert not wrong.is_valid()
    assert "family_knows" in wrong.errors


def test_service_refuses_an_unknown_answer_and_saves_nothing(world: Any) -> None:
    before = Referral.objects.count()
    with pytest.raises(ValidationError) as error:
        referral_submit(
            actor=world.referrer, **(referral_data(world.clb) | {"family_knows": "misschien"})
        )
    assert "family_knows" in error.value.message_dict
    assert Referral.objects.count() == before


def test_accepted_case_carries_what_the_referral_said(world: Any, verified_client: Any) -> None:
    data = referral_data(world.clb) | {
        "family_composition": "Grootmoeder en twee kleinkinderen (fictief).",
        "life_domains": ["housing", "safety"],
        "urgency": "high",
        "family_knows": "no",
    }
    referral = referral_submit(actor=world.referrer, **data)
    case = referral_accept(actor=world.coordinator, referral=referral, case_director=world.director)
    assert case.referral == referral
    url = reverse("collaboration:case_detail", args=[case.reference])
    for who in (world.director, world.coordinator):
        body = verified_client(who).get(url).content.decode()
        assert 'id="aanmelding"' in body
        assert "Grootmoeder en twee kleinkinderen (fictief)." in body
        assert "Nee, het gezin weet het nog niet" in body
        assert "<dd>Dringend</dd>" in body
        for text in (
            data["criterion_complexity"],
            data["criterion_multiple_domains"],
            data["criterion_stuck_help"],
        ):
            assert text in body
        # the referred domains are marked in the exploration
        assert body.count("Genoemd in de aanmelding") == 2


def test_older_referral_without_the_answer_reads_not_filled_in(
    world: Any, verified_client: Any
) -> None:
    Referral.objects.filter(pk=world.case.referral_id).update(family_knows="")
    url = reverse("collaboration:case_detail", args=[world.case.reference])
    body = verified_client(world.director).get(url).content.decode()
    assert "Niet ingevuld" in body
