"""Migration 0012 takes the minutes' SHA-256 out of timeline entries written before the
timeline stopped showing it (issue 15, item 10); everything else in the entries stays."""

from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from collaboration.models import TimelineEntry

pytestmark = pytest.mark.django_db

MIGRATION = "collaboration.migrations.0012_timeline_without_minutes_hashes"
DIGEST = "0123456789abcdef" * 4


def _entry(world: Any, body: str, kind: str = "network_meeting") -> TimelineEntry:
    return TimelineEntry.objects.create(
        case=world.case,
        kind=kind,
        occurred_on=datetime.date(2026, 3, 2),
        title="Verslag: Netwerkoverleg",
        body=body,
        author=world.director,
    )


def test_old_minutes_entries_lose_their_hash_and_nothing_else(world: Any) -> None:
    dutch = _entry(world, f"Verslag afgerond; SHA-256 (PDF) {DIGEST}. 2 afgesproken acties.")
    english = _entry(world, f"Report finalised; SHA-256 (PDF) {DIGEST}. 0 agreed actions.")
    # A person's own note that quotes a hash is theirs: not a minutes entry, not touched.
    note_body = f"Verslag afgerond; SHA-256 (PDF) {DIGEST}. Zelf overgetypt."
    note = _entry(world, note_body, kind="note")
    current = _entry(
        world, "Verslag afgerond; 1 afgesproken acties. Het verslag staat bij het overleg."
    )

    importlib.import_module(MIGRATION).drop_hashes(apps, SimpleNamespace(connection=connection))

    for entry in (dutch, english, note, current):
        entry.refresh_from_db()
    assert dutch.body == "Verslag afgerond; 2 afgesproken acties."
    assert english.body == "Report finalised; 0 agreed actions."
    assert note.body == note_body
    assert (
        current.body == "Verslag afgerond; 1 afgesproken acties. Het verslag staat bij het overleg."
    )
