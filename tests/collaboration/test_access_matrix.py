"""Every collaboration URL, requested as every kind of actor, generated from the URL
configuration: a new URL without an ``actor_rule`` on its view fails here, and a new rule needs
its row in EXPECTED. Not found and not allowed must look the same."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from collaboration.models import (
    Approval,
    BasisKind,
    ClosureRequest,
    ConsultRequest,
    FamilyMember,
    Meeting,
    Membership,
    Region,
)
from collaboration.services import documents, flags, plans, timeline
from collaboration.services.legal_bases import legal_basis_record
from collaboration.services.referrals import referral_submit
from collaboration.views.base import ActorRule
from tests.factories.cases import referral_data
from tests.factories.legal_bases import standing_basis

pytestmark = pytest.mark.django_db

ACTORS = (
    "anonymous",
    "password_only",
    "verified_outsider",
    "other_org_member",
    "participant",
    "case_director",
    "coordinator",
    "privacy_officer",
)
OK = 200
NOPE = 404
# rule -> actors that get 200 (every other verified actor gets 404)
EXPECTED: dict[str, set[str]] = {
    ActorRule.MEMBER_AREA: {
        "verified_outsider",
        "other_org_member",
        "participant",
        "case_director",
        "coordinator",
        "privacy_officer",
    },
    ActorRule.MEMBER: {
        "other_org_member",
        "participant",
        "case_director",
        "coordinator",
        "privacy_officer",
    },
    ActorRule.CASE_READ: {"participant", "case_director", "coordinator"},
    ActorRule.CASE_CONTRIBUTE: {"participant", "case_director", "coordinator"},
    ActorRule.CASE_DIRECT: {"case_director", "coordinator"},
    # the fixture's entry and document are the case director's own: not the participant's
    ActorRule.ITEM_RETRACT: {"case_director", "coordinator"},
    # the fixture's action is owned by the CAW, the participant's service (for the other
    # actors of an action see test_action_rights_matrix.py)
    ActorRule.ACTION_CHANGE: {"participant", "case_director", "coordinator"},
    # the fixture's case has a closure waiting for a coordinator who is not its director
    ActorRule.CLOSURE_DECIDE: {"coordinator"},
    # the fixture's basis is an urgent necessity the case director invoked
    ActorRule.BASIS_REVIEW: {"coordinator"},
    # the fixture's plan waits for the approval of a coordinator who is not its director
    ActorRule.APPROVAL_DECIDE: {"coordinator"},
    ActorRule.CASE_AUDIT: {"case_director", "privacy_officer"},
    ActorRule.REFERRAL_READ: {"coordinator"},
    ActorRule.COORDINATOR: {"coordinator"},
    ActorRule.MANAGER: {"coordinator"},
    # only an admin of the organisation concerned decides on its members: none of the actors
    ActorRule.ORGANISATION_ADMIN: set(),
    ActorRule.PRIVACY: {"privacy_officer"},
}
FAMILY_NAME = "Zora Fictiefnaam"


def collaboration_patterns() -> list[tuple[str, URLPattern]]:
    resolver = get_resolver()
    for pattern in resolver.url_patterns:
        if getattr(pattern, "namespace", None) == "collaboration":
            return [(p.name, p) for p in pattern.url_patterns]
    raise AssertionError("collaboration URLs not mounted")


@pytest.fixture
def matrix(world: Any, make_user: Any, verified_client: Any) -> dict[str, Any]:
    case = world.case
    member = FamilyMember.objects.create(
        case=case, name=FAMILY_NAME, family_role="child", birth_year=2012
    )
    goal = plans.goal_add(actor=world.director, case=case, domain="housing", description="Wonen")
    action = plans.action_add(
        actor=world.director,
        case=case,
        goal_id=goal.pk,
        description="Huurachterstal bespreken",
        organisation_id=world.caw.pk,
        responsible=world.caw_partner,
        due_date=datetime.date(2030, 1, 1),
    )
    document = documents.document_upload(
        actor=world.director,
        case=case,
        legal_basis_id=standing_basis(case),
        title="Verslag",
        upload=SimpleUploadedFile(
            "verslag.pdf", b"%PDF-1.4 fictief", content_type="application/pdf"
        ),
    )
    entry = timeline.timeline_entry_add(
        actor=world.director,
        case=case,
        legal_basis_id=standing_basis(case),
        kind="note",
        occurred_on=datetime.date(2020, 1, 5),
        title="Notitie",
    )
    pending = referral_submit(actor=world.referrer, **referral_data(world.clb))
    # raised by the case director: the participant may acknowledge it, not remove it
    flag = flags.flag_raise(
        actor=world.director, case=case, kind="acute_danger", reason="Fictieve dreiging"
    )
    closure_request = ClosureRequest.objects.create(
        case=case,
        criteria={"criterion_no_new_violence": "no"},
        reasons={"criterion_no_new_violence": "Fictieve reden"},
        closing_summary="Samenvatting",
        contact_card="CAW",
        requested_by=world.director,
    )
    # the closure and the plan wait for a coordinator's four eyes
    Approval.objects.create(
        case=case, subject="closure", closure=closure_request, requested_by=world.director
    )
    Approval.objects.create(case=case, subject="plan", plan=goal.plan, requested_by=world.director)
    meeting = Meeting.objects.create(
        case=case,
        kind="network",
        starts_at=datetime.datetime(2030, 1, 1, 10, tzinfo=datetime.UTC),
        place="Gent",
        created_by=world.director,
    )
    consult = ConsultRequest.objects.create(
        name="Fictieve Leerkracht",
        organisation="School",
        email="leerkracht@school.example",
        region=Region.OOST_VLAANDEREN,
        question="Vraag",
    )
    urgent = legal_basis_record(
        actor=world.director,
        case=case,
        kind=BasisKind.URGENT,
        organisation_ids=[world.police.pk],
        purpose="Fictief acuut gevaar.",
        given_on=datetime.date(2026, 1, 5),
    )
    password_only = Client()
    password_only.force_login(world.caw_partner)
    clients = {
        "anonymous": Client(),
        "password_only": password_only,
        "verified_outsider": verified_client(make_user()),
        "other_org_member": verified_client(world.outsider_member),
        "participant": verified_client(world.caw_partner),
        "case_director": verified_client(world.director),
        "coordinator": verified_client(world.coordinator),
        "privacy_officer": verified_client(world.privacy),
    }
    kwargs = {
        "reference": case.reference,
        "participant_id": case.participants.get(user=world.caw_partner).pk,
        "family_member_id": member.pk,
        "domain": "housing",
        "action_id": action.pk,
        "goal_id": goal.pk,
        "meeting_id": meeting.pk,
        "document_id": document.pk,
        "entry_id": entry.pk,
        "basis_id": urgent.pk,
        "flag_id": flag.pk,
        "referral_id": pending.pk,
        "consult_id": consult.pk,
        "membership_id": Membership.objects.get(user=world.caw_colleague).pk,
        "invitation_id": _waiting_invitation(world, make_user).pk,
    }
    return {"clients": clients, "kwargs": kwargs, "case": case}


def _waiting_invitation(world: Any, make_user: Any) -> Any:
    """An accepted invitation into the police that waits for a police admin."""
    from django.utils import timezone

    from collaboration.models import Invitation, Role

    admin = make_user(email="beheer@politie-matrix.example")
    Membership.objects.create(user=admin, organisation=world.police, role=Role.ORGANISATION_ADMIN)
    return Invitation.objects.create(
        email="wacht@politie-matrix.example",
        organisation=world.police,
        role=Role.PARTNER,
        token_hash="0" * 64,
        invited_by=world.coordinator,
        expires_at=timezone.now() + datetime.timedelta(days=7),
        accepted_at=timezone.now(),
        accepted_user=make_user(email="wacht@politie-matrix.example"),
        needs_approval=True,
    )


def _url(pattern: URLPattern, kwargs: dict[str, Any]) -> str:
    needed = pattern.pattern.converters.keys()
    return reverse(f"collaboration:{pattern.name}", kwargs={k: kwargs[k] for k in needed})


def test_every_view_declares_its_actor_rule() -> None:
    for name, pattern in collaboration_patterns():
        view_class = getattr(pattern.callback, "view_class", None)
        rule = getattr(view_class, "actor_rule", None)
        assert rule in EXPECTED, f"{name}: view has no known actor_rule"


def test_url_by_actor_matrix(matrix: dict[str, Any]) -> None:
    clients, kwargs, case = matrix["clients"], matrix["kwargs"], matrix["case"]
    not_found_body = (
        clients["other_org_member"]
        .get(reverse("collaboration:case_detail", args=["VH-OVL-1999-9999"]))
        .content
    )
    checked = 0
    for name, pattern in collaboration_patterns():
        rule = pattern.callback.view_class.actor_rule
        url = _url(pattern, kwargs)
        for actor in ACTORS:
            response = clients[actor].get(url)
            checked += 1
            where = f"{name} as {actor}"
            if actor in ("anonymous", "password_only"):
                assert response.status_code == 302, where
                assert not response["Location"].startswith("/samenwerking/"), where
                continue
            expected = OK if actor in EXPECTED[rule] else NOPE
            assert response.status_code == expected, f"{where}: {response.status_code}"
            if expected == NOPE:
                # not allowed looks exactly like not found, and leaks nothing
                assert response.content == not_found_body, where
                assert case.reference.encode() not in response.content, where
                assert FAMILY_NAME.encode() not in response.content, where
                post = clients[actor].post(url, {"reason": "x", "to_phase": "execution"})
                read_only = not hasattr(pattern.callback.view_class, "post")
                assert post.status_code == (405 if read_only else NOPE), f"POST {where}"
    assert checked == len(collaboration_patterns()) * len(ACTORS)
    # the family's name reaches those assigned to the case, not the privacy officer
    assert (
        FAMILY_NAME.encode()
        in clients["participant"]
        .get(reverse("collaboration:case_detail", args=[case.reference]))
        .content
    )


def test_deactivated_member_loses_access(matrix: dict[str, Any], world: Any) -> None:
    url = reverse("collaboration:case_detail", args=[matrix["case"].reference])
    client = matrix["clients"]["participant"]
    assert client.get(url).status_code == OK
    Membership.objects.filter(user=world.caw_partner).update(is_active=False)
    assert client.get(url).status_code == NOPE


def test_break_the_glass_grants_time_limited_access_and_alerts_director(
    matrix: dict[str, Any], world: Any
) -> None:
    from django.core import mail

    from collaboration.models import BreakGlassAccess, Notification

    client = matrix["clients"]["privacy_officer"]
    url = reverse("collaboration:case_detail", args=[matrix["case"].reference])
    assert client.get(url).status_code == NOPE
    response = client.post(
        reverse("collaboration:break_glass"),
        {"reference": matrix["case"].reference, "justification": "kort"},
    )
    assert response.status_code == 200
    assert "Er is een probleem" in response.content.decode()
    assert not BreakGlassAccess.objects.exists()
    mail.outbox.clear()
    response = client.post(
        reverse("collaboration:break_glass"),
        {
            "reference": matrix["case"].reference,
            "justification": "Vraag van de onderzoeksrechter over de veiligheid van de kinderen.",
        },
    )
    assert response.status_code == 302
    assert client.get(url).status_code == OK
    assert Notification.objects.filter(user=world.director, kind="break_glass").exists()
    BreakGlassAccess.objects.update(expires_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    assert client.get(url).status_code == NOPE
    # another region's case cannot be opened this way
    response = client.post(
        reverse("collaboration:break_glass"),
        {"reference": "VH-LIM-2026-0001", "justification": "x" * 30},
    )
    assert response.status_code == NOPE
