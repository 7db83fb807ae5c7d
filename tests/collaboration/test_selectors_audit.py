"""Every selector that returns case data writes an access event, allowed or denied.

The selectors are discovered from the modules, so a new selector that is not listed here, or
that forgets its audit record, makes this test fail.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404

from collaboration.models import Meeting
from portal.audit.models import AuditEvent

MODULES = [
    "collaboration.selectors",
    "collaboration.selectors.cases",
    "collaboration.selectors.meetings",
    "collaboration.selectors.referrals",
    "collaboration.live_notes.selectors",
]
# Functions that take a user but return no case data, with the reason.
NOT_CASE_DATA = {
    "memberships_of": "the user's own roles",
    "has_acknowledged": "whether the user acknowledged confidentiality; no case content",
}


def _meeting(world: Any) -> Meeting:
    from django.utils import timezone

    return Meeting.objects.create(
        case=world.case,
        kind="network",
        starts_at=timezone.now(),
        place="Gent",
        created_by=world.director,
    )


ARGUMENTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "case_access": lambda w: {"reference": w.case.reference},
    "case_workspace": lambda w: {"reference": w.case.reference},
    "document_for_download": lambda w: {"reference": w.case.reference, "document_id": 999_999},
    "dashboard": lambda w: {},
    "case_search": lambda w: {"query": w.case.reference},
    "case_audit_trail": lambda w: {"reference": w.case.reference},
    "referral_access": lambda w: {"referral_id": w.case.referral_id},
    "referral_list": lambda w: {},
    "consult_inbox": lambda w: {},
    "consult_access": lambda w: {"consult_id": 999_999},
    "meeting_access": lambda w: {"meeting_id": _meeting(w).pk},
}


def discovered_selectors() -> dict[str, Callable[..., Any]]:
    found = {}
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        for attr, value in vars(module).items():
            if (
                attr.startswith("_")
                or not inspect.isfunction(value)
                or value.__module__ != module.__name__
            ):
                continue
            if "user" in inspect.signature(value).parameters:
                found[attr] = value
    return found


def test_every_selector_that_takes_a_user_is_covered() -> None:
    names = set(discovered_selectors())
    assert names - set(NOT_CASE_DATA) == set(ARGUMENTS), (
        "list new selectors in ARGUMENTS or NOT_CASE_DATA"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ARGUMENTS))
@pytest.mark.parametrize("who", ["director", "outsider_member"])
def test_selector_writes_an_access_event(world: Any, name: str, who: str) -> None:
    selector = discovered_selectors()[name]
    kwargs = ARGUMENTS[name](world)
    before = AuditEvent.objects.count()
    try:
        selector(user=getattr(world, who), **kwargs)
    except Http404:
        pass  # refused: the refusal itself must be recorded
    except Exception as error:  # a validation or permission error of the selector itself
        if error.__class__.__name__ not in {"PermissionDenied", "NotFoundOrNotAllowed"}:
            raise
    new = AuditEvent.objects.filter(id__gt=0).count() - before
    assert new >= 1, f"{name} as {who} wrote no access event"
    last = AuditEvent.objects.order_by("-id").first()
    assert last.actor == getattr(world, who)
