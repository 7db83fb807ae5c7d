"""Finalised minutes that cannot change (issue 18 item 5): on PostgreSQL a trigger refuses an
update or delete outside the retention run; whatever bypasses it, the meeting page warns,
because the stored hashes no longer match the ones in the append-only audit trail."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from collaboration.live_notes.models import Acknowledgement, Minutes
from collaboration.services.minutes import meeting_finalise
from collaboration.services.retention import allow_final_record_changes

from .world import build_world, signed_in_client

pytestmark = pytest.mark.django_db

WARNING = "Let op: dit verslag is niet meer het verslag dat werd afgerond."


@pytest.fixture
def finalised() -> Any:
    world = build_world()
    meeting_finalise(actor=world.director, meeting_id=world.meeting.pk, actions=[])
    Acknowledgement.objects.get_or_create(meeting=world.meeting, user=world.partner)
    return world


def _page(world: Any) -> str:
    client = signed_in_client(world.partner)
    response = client.get(reverse("live_notes:meeting", args=[world.meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _bypass(**values: Any) -> None:
    """Change the stored minutes as someone past the trigger would (on PostgreSQL by the
    setting the retention run uses; elsewhere there is no trigger)."""
    with transaction.atomic():
        allow_final_record_changes()
        Minutes.objects.update(**values)


def test_the_finalised_minutes_show_no_warning(finalised: Any) -> None:
    page = _page(finalised)
    assert "Verslag" in page and WARNING not in page


def test_a_changed_text_is_warned_about(finalised: Any) -> None:
    _bypass(html="<p>Iets anders (fictief)</p>")
    assert WARNING in _page(finalised)


def test_a_changed_text_with_its_hash_recomputed_is_warned_about(finalised: Any) -> None:
    """The audit trail keeps the hash the finalisation wrote."""
    html = "<p>Iets anders (fictief)</p>"
    _bypass(html=html, html_sha256=hashlib.sha256(html.encode()).hexdigest())
    assert WARNING in _page(finalised)


def test_a_changed_pdf_is_warned_about(finalised: Any) -> None:
    _bypass(pdf=b"%PDF-1.4 iets anders")
    assert WARNING in _page(finalised)


@pytest.mark.postgresql
@pytest.mark.parametrize("change", ["update", "delete"])
def test_postgresql_refuses_changing_or_removing_finalised_minutes(
    finalised: Any, change: str
) -> None:
    before = Minutes.objects.get()
    refused = pytest.raises(DatabaseError, match="minutes cannot change")
    with refused, transaction.atomic():
        if change == "update":
            Minutes.objects.update(html="<p>Iets anders</p>")
        else:
            with connection.cursor() as cursor:  # past the PROTECT of the meeting
                cursor.execute("DELETE FROM live_notes_minutes")
    after = Minutes.objects.get()
    assert (after.html, after.html_sha256) == (before.html, before.html_sha256)
    assert WARNING not in _page(finalised)
