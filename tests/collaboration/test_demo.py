from __future__ import annotations

import pytest
from django.urls import reverse

from collaboration.demo import CLOSED_REFERENCE, ensure_demo_organisations
from collaboration.models import Case, Phase
from portal.accounts.demo import ensure_demo_people

pytestmark = pytest.mark.django_db


def test_demo_cases_are_idempotent_and_follow_the_source(verified_client) -> None:
    users = ensure_demo_people()
    ensure_demo_organisations(users)
    ensure_demo_organisations(users)  # again: nothing doubles
    assert Case.objects.count() == 2
    closed = Case.objects.get(reference=CLOSED_REFERENCE)
    assert closed.phase == Phase.CLOSED and closed.referral.referring_organisation.kind == "clb"
    assert closed.referral.created_at.strftime("%Y-%m") == "2022-06"
    titles = list(closed.timeline.values_list("title", flat=True))
    assert sum("Netwerkoverleg" in t for t in titles) == 3
    assert any("tijdelijk huisverbod" in t for t in titles)
    assert any("Signs of Safety" in t for t in titles)
    active = Case.objects.exclude(pk=closed.pk).get()
    assert active.phase == Phase.EXECUTION
    assert active.meetings.filter(status="planned").exists()
    # the CAW partner sees the case but not the justice-only entry; the police partner does
    url = reverse("collaboration:case_detail", args=[CLOSED_REFERENCE])
    caw = verified_client(users["partner@caw.example"]).get(url).content.decode()
    police = verified_client(users["beheer@politie.example"]).get(url).content.decode()
    assert "Netwerkoverleg 3" in caw and "tijdelijk huisverbod" not in caw
    assert "tijdelijk huisverbod" in police
    dashboard = verified_client(users["partner@caw.example"]).get(reverse("collaboration:home"))
    assert "Over tijd" in dashboard.content.decode()
