"""Organisations moved to ``portal.organisations``: a learner's organisation now names
``organisations.Organisation``. State only; the table and its column are unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0004_session_private_address"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="learnerprofile",
                    name="organisation",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="organisations.organisation",
                        verbose_name="organisatie",
                    ),
                ),
            ],
        ),
    ]
