"""Organisations, memberships and invitations, moved from ``collaboration`` to the ground floor.

State only: the tables were created by collaboration's migrations (0001, 0003, 0004) and keep
their names (``Meta.db_table``). ``collaboration.0011`` then re-points every foreign key, removes
the old models from collaboration's state and moves their content types here.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ROLES = [
    ("coordinator", "Coördinator Veilig Huis"),
    ("case_director", "Casusregisseur"),
    ("partner", "Partnerprofessional"),
    ("privacy_officer", "Privacyverantwoordelijke"),
    ("org_admin", "Beheerder van de organisatie"),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # the tables exist, in their last shape, once collaboration has migrated this far
        ("collaboration", "0010_referral_family_knows"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Organisation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=200, unique=True, verbose_name="naam")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("veilig_huis", "Veilig Huis"),
                                    ("kg", "Kind en Gezin"),
                                    ("vk", "Vertrouwenscentrum Kindermishandeling"),
                                    (
                                        "ocj_sdj",
                                        "Ondersteuningscentrum Jeugdzorg / Sociale Dienst Jeugdrechtbank",
                                    ),
                                    ("ocmw", "OCMW"),
                                    ("caw", "Centrum Algemeen Welzijnswerk"),
                                    ("cgg", "Centrum Geestelijke Gezondheidszorg"),
                                    ("police", "Politie"),
                                    ("parket", "Parket"),
                                    ("justitiehuis", "Justitiehuis"),
                                    ("clb", "Centrum voor Leerlingenbegeleiding"),
                                    ("school", "School"),
                                    ("housing", "Huisvestingsmaatschappij"),
                                    ("debt", "Schuldbemiddeling"),
                                    ("other", "Andere dienst"),
                                ],
                                max_length=20,
                                verbose_name="soort dienst",
                            ),
                        ),
                        (
                            "sector",
                            models.CharField(
                                choices=[
                                    ("welfare", "Welzijn"),
                                    ("health", "Gezondheid"),
                                    ("police", "Politie"),
                                    ("justice", "Justitie"),
                                    ("education", "Onderwijs"),
                                    ("other", "Andere"),
                                ],
                                max_length=20,
                                verbose_name="sector",
                            ),
                        ),
                        (
                            "region",
                            models.CharField(
                                choices=[
                                    ("limburg", "Limburg"),
                                    ("kempen", "Kempen"),
                                    ("antwerpen", "Antwerpen"),
                                    ("mechelen", "Mechelen"),
                                    ("leuven", "Leuven"),
                                    ("halle-vilvoorde", "Halle-Vilvoorde"),
                                    ("oost-vlaanderen", "Oost-Vlaanderen"),
                                    ("noord-west-vlaanderen", "Noord-West-Vlaanderen"),
                                    ("zuid-west-vlaanderen", "Zuid-West-Vlaanderen"),
                                ],
                                max_length=30,
                                verbose_name="regio",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="actief")),
                    ],
                    options={
                        "verbose_name": "partnerdienst",
                        "verbose_name_plural": "partnerdiensten",
                        "db_table": "collaboration_organisation",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Invitation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mailadres")),
                        ("role", models.CharField(choices=ROLES, max_length=20, verbose_name="rol")),
                        ("token_hash", models.CharField(max_length=64, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("expires_at", models.DateTimeField()),
                        ("accepted_at", models.DateTimeField(blank=True, null=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "needs_approval",
                            models.BooleanField(default=False, verbose_name="wacht op goedkeuring"),
                        ),
                        ("approved_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "accepted_user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "invited_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="invitations",
                                to="organisations.organisation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "uitnodiging",
                        "db_table": "collaboration_invitation",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("role", models.CharField(choices=ROLES, max_length=20, verbose_name="rol")),
                        ("is_active", models.BooleanField(default=True, verbose_name="actief")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="aangemaakt op"),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="persoon",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="memberships",
                                to="organisations.organisation",
                                verbose_name="organisatie",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "lidmaatschap",
                        "verbose_name_plural": "lidmaatschappen",
                        "db_table": "collaboration_membership",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "organisation", "role"),
                                name="collab_membership_unique_role",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
