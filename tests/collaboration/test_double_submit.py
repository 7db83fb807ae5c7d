"""A referral sent twice (double click, resend) creates one referral."""

from __future__ import annotations

import pytest
from django.urls import reverse

from collaboration.models import Referral
from portal.security.once import new_token


@pytest.mark.django_db
def test_referral_sent_twice_creates_one_referral(world, verified_client) -> None:
    client = verified_client(world.referrer)
    data = {
        "once": new_token(),
        "organisation": world.clb.pk,
        "family_composition": "Moeder, twee kinderen (fictief).",
        "violence_forms": ["partner"],
        "life_domains": ["housing"],
        "criterion_complexity": "Politie betrokken.",
        "criterion_multiple_domains": "Wonen en opvoeding.",
        "criterion_stuck_help": "Loopt vast.",
        "services_involved": "",
        "urgency": "normal",
    }
    before = Referral.objects.count()
    first = client.post(reverse("collaboration:referral_create"), data)
    second = client.post(reverse("collaboration:referral_create"), data)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Referral.objects.count() == before + 1
