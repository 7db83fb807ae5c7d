"""Every route about actions, by actor (issue 15, item 9). The routes come from the URL
configuration: a route is about actions when its URL names an ``action_id`` or its name starts
with ``action``, so a new one (an edit form, say) is covered without touching this file.

An action of the CLB is changed by the CLB's participant, the case director and a coordinator
of the region. The CAW's participant of the same case, a verified member outside the case and
a session without its second factor cannot even open its forms: the refusal is the same page
as for a case that does not exist, and a POST changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from collaboration.models import Action, CaseParticipant
from collaboration.services import plans
from collaboration.views.base import ActorRule

from .test_access_matrix import collaboration_patterns

pytestmark = pytest.mark.django_db

ACTORS = (
    "owner_partner",
    "other_participant",
    "case_director",
    "coordinator",
    "outsider",
    "unverified",
)
# rule of the view -> actors that may open it (GET 200, POST not refused)
ALLOWED: dict[str, set[str]] = {
    ActorRule.ACTION_CHANGE: {"owner_partner", "case_director", "coordinator"},
    ActorRule.CASE_DIRECT: {"case_director", "coordinator"},
}
# a valid change for the forms we know; a new route's form gets an empty POST (still refused)
POSTS: dict[str, dict[str, str]] = {"action_status": {"status": "done", "reason": ""}}


def action_routes() -> list[tuple[str, URLPattern]]:
    routes = [
        (name, pattern)
        for name, pattern in collaboration_patterns()
        if "action_id" in pattern.pattern.converters or (name or "").startswith("action")
    ]
    assert {"action_add", "action_status"} <= {name for name, _p in routes}
    return routes


def _snapshot(action: Action) -> tuple[Any, ...]:
    action.refresh_from_db()
    return (
        action.status,
        action.status_reason,
        action.description,
        action.responsible_id,
        action.due_date,
        action.organisation_id,
    )


@pytest.fixture
def setup(world: Any, make_user: Any, verified_client: Any) -> dict[str, Any]:
    case = world.case
    # the referring CLB takes part in the case (accepting the referral may already add it)
    CaseParticipant.objects.update_or_create(
        case=case,
        user=world.referrer,
        defaults={"organisation": world.clb, "role_in_case": "CLB", "is_active": True},
    )
    goal = plans.goal_add(actor=world.director, case=case, domain="parenting", description="School")
    action = plans.action_add(
        actor=world.director,
        case=case,
        goal_id=goal.pk,
        description="Gesprek met de leerkracht",
        organisation_id=world.clb.pk,
        responsible=world.referrer,
        due_date=datetime.date(2030, 1, 1),
    )
    unverified = Client()
    unverified.force_login(world.referrer)  # the owner's own person, password only
    clients = {
        "owner_partner": verified_client(world.referrer),
        "other_participant": verified_client(world.caw_partner),
        "case_director": verified_client(world.director),
        "coordinator": verified_client(world.coordinator),
        "outsider": verified_client(world.outsider_member),
        "unverified": unverified,
    }
    return {"case": case, "action": action, "clients": clients}


def _url(pattern: URLPattern, case: Any, action: Action) -> str:
    values = {"reference": case.reference, "action_id": action.pk}
    needed = pattern.pattern.converters.keys()
    missing = set(needed) - set(values)
    assert not missing, f"{pattern.name}: add {missing} to this matrix"
    return reverse(f"collaboration:{pattern.name}", kwargs={k: values[k] for k in needed})


def test_every_action_route_declares_an_action_rule() -> None:
    for name, pattern in action_routes():
        rule = pattern.callback.view_class.actor_rule
        assert rule in ALLOWED, f"{name}: {rule} is not a rule for action routes"
        if "action_id" in pattern.pattern.converters:
            # a page about one action checks that action, not only the case
            assert rule == ActorRule.ACTION_CHANGE or rule == ActorRule.CASE_DIRECT, name


def test_action_routes_by_actor(setup: dict[str, Any]) -> None:
    case, action, clients = setup["case"], setup["action"], setup["clients"]
    not_found = clients["outsider"].get(
        reverse("collaboration:case_detail", args=["VH-OVL-1999-9999"])
    )
    checked = 0
    for name, pattern in action_routes():
        rule = pattern.callback.view_class.actor_rule
        url = _url(pattern, case, action)
        for actor in ACTORS:
            where = f"{name} as {actor}"
            before = _snapshot(action)
            count = Action.objects.count()
            response = clients[actor].get(url)
            checked += 1
            if actor == "unverified":
                assert response.status_code == 302, where
                assert not response["Location"].startswith("/samenwerking/"), where
                post = clients[actor].post(url, POSTS.get(name, {}))
                assert post.status_code == 302, where
            elif actor in ALLOWED[rule]:
                assert response.status_code == 200, f"{where}: {response.status_code}"
                continue
            else:
                assert response.status_code == 404, f"{where}: {response.status_code}"
                assert response.content == not_found.content, where  # looks like not found
                assert action.description.encode() not in response.content, where
                post = clients[actor].post(url, POSTS.get(name, {}))
                assert post.status_code == 404, f"POST {where}: {post.status_code}"
            assert _snapshot(action) == before, f"POST {where} changed the action"
            assert Action.objects.count() == count, f"POST {where} added an action"
    assert checked == len(action_routes()) * len(ACTORS)


def test_allowed_actors_really_change_the_status(setup: dict[str, Any]) -> None:
    case, action, clients = setup["case"], setup["action"], setup["clients"]
    url = reverse("collaboration:action_status", args=[case.reference, action.pk])
    for actor, status in (
        ("owner_partner", "done"),
        ("case_director", "open"),
        ("coordinator", "not_done"),
    ):
        response = clients[actor].post(url, {"status": status, "reason": ""})
        assert response.status_code == 302, actor
        assert _snapshot(action)[0] == status, actor


def test_the_case_page_offers_the_status_form_only_to_those_who_may(
    setup: dict[str, Any],
) -> None:
    case, action, clients = setup["case"], setup["action"], setup["clients"]
    page = reverse("collaboration:case_detail", args=[case.reference])
    link = reverse("collaboration:action_status", args=[case.reference, action.pk])
    for actor, offered in (
        ("owner_partner", True),
        ("other_participant", False),
        ("case_director", True),
        ("coordinator", True),
    ):
        body = clients[actor].get(page).content.decode()
        assert (link in body) is offered, actor
