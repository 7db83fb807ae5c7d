"""The retention registry covers every model linked to a case, found through the relations of
every installed model (not by app label), and every text field of a scrubbed model."""

# ruff: noqa: DJ008  (throw-away models need no __str__)

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test.utils import isolate_apps

from collaboration.models import Meeting, Organisation
from collaboration.services.retention import (
    DECLARED_UNLINKED,
    RETENTION,
    Rule,
    Treatment,
    case_linked_models,
    missing_from_registry,
    unlisted_fields,
)


def _all_models() -> list[type[models.Model]]:
    return list(apps.get_models(include_auto_created=True))


def test_every_model_linked_to_a_case_is_in_the_registry() -> None:
    linked = case_linked_models(_all_models())
    # Found through relations, in every app: live notes, the change history, a through table.
    for label in (
        "live_notes.NoteUpdate",
        "live_notes.Minutes",
        "live_notes.Attendance",
        "collaboration.ConsultRequest",
        "collaboration.Meeting_invitees",
        "auditlog.LogEntry",
        "admin.LogEntry",
    ):
        assert label in linked, label
    assert missing_from_registry(_all_models()) == [], (
        "decide what retention does with these models (collaboration/services/retention.py)"
    )


def test_the_registry_names_no_model_that_is_not_linked() -> None:
    linked = case_linked_models(_all_models())
    assert sorted(set(RETENTION) - set(linked)) == []
    for label in DECLARED_UNLINKED:
        assert apps.get_model(label) is not None
        assert label not in linked


@isolate_apps("collaboration.live_notes", "content.training")
def test_a_new_model_with_a_path_to_a_case_fails_the_check() -> None:
    """Throw-away models, as a helper might add them: linked directly, transitively, through
    a generic pointer; and one that only points at a shared model (not linked)."""

    class MeetingSummary(models.Model):
        meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE)
        text = models.TextField()

        class Meta:
            app_label = "live_notes"

    class SummaryComment(models.Model):
        summary = models.ForeignKey(MeetingSummary, on_delete=models.CASCADE)

        class Meta:
            app_label = "live_notes"

    class Bookmark(models.Model):
        content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
        object_id = models.CharField(max_length=40)

        class Meta:
            app_label = "training"

    class ServiceNote(models.Model):
        organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)

        class Meta:
            app_label = "training"

    extra = [MeetingSummary, SummaryComment, Bookmark, ServiceNote]
    linked = case_linked_models([*_all_models(), *extra])
    assert "live_notes.SummaryComment" in linked
    assert "live_notes.MeetingSummary.meeting" in linked["live_notes.SummaryComment"]
    assert missing_from_registry([*_all_models(), *extra]) == [
        "live_notes.MeetingSummary",
        "live_notes.SummaryComment",
        "training.Bookmark",
    ]


@isolate_apps("collaboration.live_notes")
def test_a_new_text_field_of_a_scrubbed_model_fails_the_check() -> None:
    class Summary(models.Model):
        meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE)
        title = models.CharField(max_length=100)
        body = models.TextField()
        kind = models.CharField(max_length=10, choices=[("a", "A")])
        pdf = models.BinaryField()

        class Meta:
            app_label = "live_notes"

    rule = Rule(Treatment.SCRUB, "x", paths=("meeting__case",), scrub=("body",))
    assert unlisted_fields(Summary, rule) == ["title", "pdf"]


@pytest.mark.parametrize("label", sorted(RETENTION))
def test_each_rule_is_complete_and_its_paths_resolve(label: str) -> None:
    rule = RETENTION[label]
    model = apps.get_model(label)
    assert rule.reason.strip()
    assert unlisted_fields(model, rule) == []
    for name in [*rule.scrub, *rule.kept_fields, *rule.values]:
        model._meta.get_field(name)
    if rule.treatment != Treatment.SCRUB:
        assert not rule.scrub and not rule.values
    if rule.pointer is not None:
        for name in rule.pointer:
            model._meta.get_field(name)
    elif rule.treatment != Treatment.SHARED:
        assert rule.paths
        for path in rule.paths:
            str(model._default_manager.filter(**{f"{path}__in": [0]}).query)


def test_retention_is_a_periodic_task(settings: Any) -> None:
    from django.utils.module_loading import import_string

    for path in (
        "collaboration.tasks.propose_retention_runs",
        "collaboration.tasks.sweep_orphaned_documents",
    ):
        assert path in settings.PERIODIC_TASKS
        assert callable(import_string(path).enqueue)


def test_the_privacy_page_names_every_model_of_the_registry() -> None:
    from django.conf import settings

    text = (settings.BASE_DIR / "docs" / "privacy.md").read_text()
    assert [label for label in [*RETENTION, *DECLARED_UNLINKED] if f"`{label}`" not in text] == []
