"""Organisations, memberships and invitations moved from ``collaboration`` to the ground floor
(``portal.organisations``, app label ``organisations``) without touching their rows.

The migration test goes back to the state before the move, writes the rows and change history
an existing installation has (content types labelled 'collaboration'), migrates forward and
checks that the rows, the content types, the permissions and django-auditlog's entries all
still point at the same objects, now under 'organisations'. A second run starts with
'organisations' content types already there (post_migrate of an interrupted ``migrate``).
"""

from __future__ import annotations

import ast
import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from portal.organisations.models import Invitation, Membership, Organisation

BEFORE = [("organisations", None)]  # unapplies the move in every app (they depend on it)
MOVED = ("organisation", "membership", "invitation")
ROOT = Path(__file__).resolve().parents[2]


def _migrate(targets: list[tuple[str, str | None]] | None = None) -> Any:
    """Migrate to ``targets`` (all leaves when None); the historical apps of the new state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    executor = MigrationExecutor(connection)
    return executor._create_project_state(with_applied_migrations=True).apps


@pytest.fixture
def before_the_move(transactional_db: Any) -> Iterator[Any]:
    """The historical apps just before the move; migrates back to the latest state afterwards,
    also when the test fails."""
    try:
        yield _migrate(BEFORE)
    finally:
        _migrate()


def _old_world(apps: Any) -> dict[str, Any]:
    """What an installation from before the move holds: people, an organisation with a member
    and an open invitation, their 'collaboration' content types with a permission granted to a
    group, and change-history entries that name those content types."""
    User = apps.get_model("accounts", "User")
    OldOrganisation = apps.get_model("collaboration", "Organisation")
    OldMembership = apps.get_model("collaboration", "Membership")
    OldInvitation = apps.get_model("collaboration", "Invitation")
    # the content types post_migrate made for the models where they are now: an old database
    # has only the 'collaboration' ones
    ContentType.objects.filter(app_label="organisations").delete()
    ContentType.objects.clear_cache()
    admin = User.objects.create(email="beheer@politie.example", full_name="Beheer Politie")
    member = User.objects.create(email="agent@politie.example", full_name="Agent Politie")
    organisation = OldOrganisation.objects.create(
        name="Politiezone Gent", kind="police", sector="police", region="oost-vlaanderen"
    )
    membership = OldMembership.objects.create(
        user=member, organisation=organisation, role="partner"
    )
    invitation = OldInvitation.objects.create(
        email="nieuw@politie.example",
        organisation=organisation,
        role="partner",
        token_hash="a" * 64,
        invited_by=admin,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    types = {
        name: ContentType.objects.get_or_create(app_label="collaboration", model=name)[0]
        for name in MOVED
    }
    permission, _created = Permission.objects.get_or_create(
        content_type=types["organisation"],
        codename="change_organisation",
        defaults={"name": "Can change partnerdienst"},
    )
    group = Group.objects.create(name="Beheer partnerdiensten")
    group.permissions.add(permission)
    entries = {
        name: LogEntry.objects.create(
            content_type=types[name],
            object_pk=str(row.pk),
            object_id=row.pk,
            object_repr=str(row.pk),
            action=LogEntry.Action.CREATE,
            changes={},
        )
        for name, row in (
            ("organisation", organisation),
            ("membership", membership),
            ("invitation", invitation),
        )
    }
    return {
        "organisation": organisation.pk,
        "membership": membership.pk,
        "invitation": invitation.pk,
        "types": {name: ct.pk for name, ct in types.items()},
        "entries": {name: entry.pk for name, entry in entries.items()},
        "group": group.pk,
    }


def _assert_moved(world: dict[str, Any]) -> None:
    organisation = Organisation.objects.get(pk=world["organisation"])
    assert organisation.name == "Politiezone Gent"
    membership = Membership.objects.select_related("user").get(pk=world["membership"])
    assert (membership.user.email, membership.organisation_id) == (
        "agent@politie.example",
        organisation.pk,
    )
    invitation = Invitation.objects.get(pk=world["invitation"])
    assert (invitation.email, invitation.organisation_id) == (
        "nieuw@politie.example",
        organisation.pk,
    )
    for name, model in (
        ("organisation", Organisation),
        ("membership", Membership),
        ("invitation", Invitation),
    ):
        # one content type per model, the old row renamed: what pointed at it still does
        assert list(ContentType.objects.filter(model=name).values_list("pk", "app_label")) == [
            (world["types"][name], "organisations")
        ]
        assert ContentType.objects.get_for_model(model).pk == world["types"][name]
        entry = LogEntry.objects.get(pk=world["entries"][name])
        assert entry.content_type.model_class() is model
        assert entry.content_type.get_object_for_this_type(pk=entry.object_pk).pk == int(
            entry.object_pk
        )
    group = Group.objects.get(pk=world["group"])
    assert ("organisations", "change_organisation") in set(
        group.permissions.values_list("content_type__app_label", "codename")
    )
    assert not Permission.objects.filter(
        content_type__app_label="collaboration", content_type__model__in=MOVED
    ).exists()


def test_the_move_keeps_rows_content_types_and_change_history(before_the_move: Any) -> None:
    world = _old_world(before_the_move)

    _migrate()

    _assert_moved(world)


def test_content_types_made_early_by_post_migrate_are_merged(before_the_move: Any) -> None:
    """A ``migrate`` that stopped after ``organisations.0001`` let post_migrate create
    'organisations' content types and permissions, and the change history may already point at
    them: the move keeps the old rows and moves those references onto them."""
    world = _old_world(before_the_move)
    early = ContentType.objects.create(app_label="organisations", model="organisation")
    early_permission = Permission.objects.create(
        content_type=early, codename="change_organisation", name="Can change partnerdienst"
    )
    only_early = Permission.objects.create(
        content_type=early, codename="export_organisation", name="Can export partnerdienst"
    )
    group = Group.objects.get(pk=world["group"])
    group.permissions.add(early_permission, only_early)
    later = LogEntry.objects.create(
        content_type=early,
        object_pk=str(world["organisation"]),
        object_id=world["organisation"],
        object_repr="later",
        action=LogEntry.Action.UPDATE,
        changes={},
    )

    _migrate()

    assert not ContentType.objects.filter(pk=early.pk).exists()
    assert LogEntry.objects.get(pk=later.pk).content_type_id == world["types"]["organisation"]
    assert sorted(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("organisations", "change_organisation"),
        ("organisations", "export_organisation"),
    ]
    _assert_moved(world)


def test_the_ground_floor_imports_no_side() -> None:
    """``portal.organisations`` imports neither ``collaboration`` nor ``content``, and the
    account URLs no longer reach into ``collaboration`` for the invitation page."""
    files = [
        *sorted((ROOT / "portal" / "organisations").rglob("*.py")),
        ROOT / "portal/accounts/urls.py",
    ]
    offending = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offending += [
                f"{path.relative_to(ROOT)}: {name}"
                for name in names
                if name.split(".")[0] in ("collaboration", "content")
            ]
    assert offending == []
    assert len(files) > 5  # the walk saw the app
