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


def test_the_demo_cases_carry_their_legal_bases() -> None:
    """The source's case: the mother's consent, the network meetings as 458ter case
    consultations, the police/justice sharing on the prosecutor's authorisation; every
    participant, entry and meeting names one of them, and each covers the services it reached."""
    from collaboration.models import BasisKind, Visibility

    users = ensure_demo_people()
    ensure_demo_organisations(users)
    for case in Case.objects.all():
        bases = {(b.kind, b.framework): b for b in case.legal_bases.all()}
        assert set(bases) == {
            (BasisKind.CONSENT, ""),
            (BasisKind.CONSULTATION, "law"),
            (BasisKind.CONSULTATION, "prosecutor"),
        }, case.reference
        consent = bases[(BasisKind.CONSENT, "")]
        assert consent.consent_of is not None and consent.consent_of.family_role == "mother"
        assert "fictief" in bases[(BasisKind.CONSULTATION, "law")].framework_reference
        meetings_basis = bases[(BasisKind.CONSULTATION, "law")]
        assert not case.meetings.exclude(legal_basis=meetings_basis).exists()
        assert not case.participants.filter(legal_basis__isnull=True).exists()
        assert not case.timeline.filter(legal_basis__isnull=True).exists()
        police_only = case.timeline.filter(visibility=Visibility.AUDIENCE)
        assert police_only.exists()
        assert set(police_only.values_list("legal_basis__framework", flat=True)) == {"prosecutor"}
        covered = set(meetings_basis.organisations.values_list("pk", flat=True))
        assert set(case.participants.values_list("organisation_id", flat=True)) <= covered
        assert not case.safety_plans.exclude(legal_basis=consent).exists()
    # the active case's mother has a safety plan, shared on her consent
    active = Case.objects.get(safety_plans__isnull=False)
    plan = active.safety_plans.get()
    assert plan.legal_basis.kind == BasisKind.CONSENT and plan.family_member.family_role == "mother"
