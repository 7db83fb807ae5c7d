"""Rectification, annotation and objection recorded and linked to the correction; restriction
of processing hides an entry (or a whole case's entries) from everyone but the case director
and a privacy officer, in the selectors that read entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from collaboration.models import (
    BreakGlassAccess,
    ProcessingRestriction,
    RectificationRequest,
    RectificationStatus,
    TimelineEntry,
)
from collaboration.selectors.cases import case_access, case_workspace, visible_timeline
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from tests.privacy.family import Family

from .helpers import register

pytestmark = pytest.mark.django_db


def _titles(user: Any, family: Family) -> set[str]:
    workspace = case_workspace(user=user, reference=family.world.case.reference)
    return {entry.title for entry in workspace.timeline}


def _rights_url(sar: Any) -> str:
    return reverse("audit:subject_access_rights", args=[sar.pk])


def test_a_restricted_entry_is_shown_only_to_the_director_and_a_privacy_officer(
    family: Family, verified_client: Any
) -> None:
    world = family.world
    entry = TimelineEntry.objects.get(title="Kennismaking thuis")
    client = verified_client(world.privacy)
    sar = register(client, family.father)
    response = client.post(
        _rights_url(sar),
        {"form": "restriction", "beperking-target": str(entry.pk), "beperking-reason": "Betwist"},
    )
    assert response.status_code == 302
    restriction = ProcessingRestriction.objects.get()
    assert restriction.timeline_entry == entry and restriction.restricted_by == world.privacy

    assert "Kennismaking thuis" in _titles(world.director, family)
    for who in (world.coordinator, world.caw_partner):
        assert "Kennismaking thuis" not in _titles(who, family)
        assert "Budget" in _titles(who, family) or who == world.coordinator
    # The case page does not show it to a participant either.
    page = verified_client(world.caw_partner).get(
        reverse("collaboration:case_detail", args=[world.case.reference])
    )
    assert page.status_code == 200 and "Kennismaking thuis" not in page.content.decode()
    # A privacy officer with break-the-glass access sees it.
    BreakGlassAccess.objects.create(
        case=world.case,
        user=world.privacy,
        justification="Inzageverzoek",
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    access = case_access(user=world.privacy, reference=world.case.reference)
    assert entry in visible_timeline(access)

    # The whole case: nothing left for a participant; lifting restores it.
    client.post(
        _rights_url(sar),
        {"form": "restriction", "beperking-target": "", "beperking-reason": "Bezwaar"},
    )
    assert _titles(world.caw_partner, family) == set()
    assert "Budget" in _titles(world.director, family)
    whole = ProcessingRestriction.objects.get(timeline_entry=None)
    refused = client.post(
        _rights_url(sar), {"form": "lift", "id": whole.pk, f"l{whole.pk}-lift_reason": ""}
    )
    assert refused.status_code == 400
    assert "Schrijf waarom de beperking wordt opgeheven." in refused.content.decode()
    client.post(
        _rights_url(sar),
        {"form": "lift", "id": whole.pk, f"l{whole.pk}-lift_reason": "Bezwaar afgewezen"},
    )
    assert "Budget" in _titles(world.caw_partner, family)
    assert AuditEvent.objects.filter(action=AuditAction.PROCESSING_RESTRICTED).count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.PROCESSING_RESTRICTION_LIFTED).count() == 1


def test_a_rectification_request_is_linked_to_the_correction(
    family: Family, verified_client: Any
) -> None:
    world = family.world
    entry = TimelineEntry.objects.get(title="Kennismaking thuis")
    client = verified_client(world.privacy)
    sar = register(client, family.father)
    response = client.post(
        _rights_url(sar),
        {
            "form": "rectification",
            "rechtzetting-kind": "correct",
            "rechtzetting-target": f"timeline_entry:{entry.pk}",
            "rechtzetting-request_text": "Het gesprek was op school, niet thuis.",
            "rechtzetting-received_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    rectification = RectificationRequest.objects.get()
    assert rectification.timeline_entry == entry and rectification.subject_access == sar
    assert rectification.family_member == family.father

    # Not corrected yet: linking is refused with a Dutch explanation.
    url = _rights_url(sar)
    handle = {"form": "handle", "id": rectification.pk, f"r{rectification.pk}-outcome": "corrected"}
    refused = client.post(url, handle)
    assert refused.status_code == 400
    assert "Het item is sinds het verzoek niet gewijzigd." in refused.content.decode()

    # The case director corrects the entry in the workspace (its change history records it).
    entry.title = "Kennismaking op school"
    entry.save()
    assert client.post(url, handle).status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.CORRECTED
    assert rectification.correction is not None
    assert rectification.correction.object_pk == str(entry.pk)
    assert "title" in rectification.correction.changes_dict
    assert rectification.handled_by == world.privacy
    assert AuditEvent.objects.filter(
        action=AuditAction.RECTIFICATION_HANDLED, object_id=str(rectification.pk)
    ).exists()


def test_an_annotation_and_an_objection(family: Family, verified_client: Any) -> None:
    world = family.world
    client = verified_client(world.privacy)
    sar = register(client, family.father)
    for kind in ("annotate", "object"):
        client.post(
            _rights_url(sar),
            {
                "form": "rectification",
                "rechtzetting-kind": kind,
                "rechtzetting-target": "",
                "rechtzetting-request_text": f"Verzoek {kind}",
                "rechtzetting-received_on": timezone.localdate().isoformat(),
            },
        )
    annotate, objection = RectificationRequest.objects.order_by("id")
    empty = client.post(
        _rights_url(sar),
        {
            "form": "handle",
            "id": annotate.pk,
            f"r{annotate.pk}-outcome": "annotated",
            f"r{annotate.pk}-text": "",
        },
    )
    assert empty.status_code == 400 and "Schrijf de aantekening." in empty.content.decode()
    client.post(
        _rights_url(sar),
        {
            "form": "handle",
            "id": annotate.pk,
            f"r{annotate.pk}-outcome": "annotated",
            f"r{annotate.pk}-text": "Vader ziet het anders.",
        },
    )
    client.post(
        _rights_url(sar),
        {
            "form": "handle",
            "id": objection.pk,
            f"r{objection.pk}-outcome": "restricted",
            f"r{objection.pk}-text": "Bezwaar gegrond",
        },
    )
    annotate.refresh_from_db()
    objection.refresh_from_db()
    assert annotate.status == RectificationStatus.ANNOTATED
    assert annotate.decision_text == "Vader ziet het anders."
    assert objection.status == RectificationStatus.RESTRICTED
    assert objection.restriction is not None and objection.restriction.timeline_entry is None
    assert _titles(world.caw_partner, family) == set()
    # Another region's officer, and a bad id, get the same 404.
    other = verified_client(family.limburg_officer)
    assert other.get(_rights_url(sar)).status_code == 404
    assert client.post(_rights_url(sar), {"form": "handle", "id": "abc"}).status_code == 404
