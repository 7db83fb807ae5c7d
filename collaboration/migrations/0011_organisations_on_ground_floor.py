"""Organisations, memberships and invitations moved to ``portal.organisations`` (app label
``organisations``); their tables keep their names.

1. State only: every foreign key of collaboration's models now names ``organisations.*``
   (live_notes and training do the same in their own migrations, which this one follows), then
   the old models leave collaboration's state. No table or column changes.
2. Their content types move too (``app_label`` 'collaboration' -> 'organisations'), so the
   change history (django-auditlog), admin log and permissions that point at them keep doing
   so. When ``organisations`` content types exist already (a ``migrate`` that stopped between
   the two apps lets post_migrate create them), whatever points at those moves to the old
   rows before they are renamed, and the duplicates go.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ("organisation", "membership", "invitation")


def _is_content_type(model):
    return model is not None and model._meta.label_lower == "contenttypes.contenttype"


def _merge(apps, db, *, keep, drop):
    """Re-point everything that refers to content type ``drop`` to ``keep``, then delete it."""
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.using(db).filter(content_type=drop):
        twin = (
            Permission.objects.using(db)
            .filter(content_type=keep, codename=permission.codename)
            .first()
        )
        if twin is None:
            permission.content_type = keep
            permission.save(update_fields=["content_type"])
            continue
        # users and groups holding the duplicate get the twin (once), then the duplicate goes
        for model in apps.get_models():
            for field in model._meta.many_to_many:
                if field.remote_field.model is not Permission:
                    continue
                through = field.remote_field.through
                source = field.m2m_field_name()
                target = field.m2m_reverse_field_name()
                rows = through.objects.using(db).filter(**{target: permission})
                for row in rows:
                    owner = getattr(row, f"{source}_id")
                    through.objects.using(db).get_or_create(**{f"{source}_id": owner, target: twin})
                rows.delete()
        permission.delete()
    for model in apps.get_models():
        if model._meta.label_lower == "auth.permission":
            continue
        for field in model._meta.concrete_fields:
            if field.many_to_one and _is_content_type(field.related_model):
                model._base_manager.using(db).filter(**{field.name: drop}).update(
                    **{field.name: keep}
                )
    drop.delete()


def _move_content_types(apps, schema_editor, *, old_label, new_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for name in MOVED:
        old = ContentType.objects.using(db).filter(app_label=old_label, model=name).first()
        if old is None:
            continue
        new = ContentType.objects.using(db).filter(app_label=new_label, model=name).first()
        if new is not None:
            _merge(apps, db, keep=old, drop=new)
        old.app_label = new_label
        old.save(update_fields=["app_label"])
    # the process-wide cache may still hold the old labels
    from django.contrib.contenttypes.models import ContentType as LiveContentType

    LiveContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, old_label="collaboration", new_label="organisations")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, old_label="organisations", new_label="collaboration")


class Migration(migrations.Migration):
    dependencies = [
        ("collaboration", "0010_referral_family_knows"),
        ("organisations", "0001_initial"),
        # no model may still point at collaboration.Organisation when it leaves the state
        ("live_notes", "0008_organisation_on_ground_floor"),
        ("training", "0005_organisation_on_ground_floor"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="caseparticipant",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                        verbose_name="organisatie",
                    ),
                ),
                migrations.AlterField(
                    model_name="referral",
                    name="referring_organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                        verbose_name="aanmeldende dienst",
                    ),
                ),
                migrations.AlterField(
                    model_name="timelineentry",
                    name="author_organisation",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="audience",
                    name="organisation",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="action",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                        verbose_name="dienst",
                    ),
                ),
                migrations.DeleteModel(name="Invitation"),
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="Organisation"),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
