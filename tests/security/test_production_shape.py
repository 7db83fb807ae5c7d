"""Production shape: no demo accounts in production, case documents kept, an application
database role that cannot rewrite the audit trail, and a Django admin without back doors."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, models, transaction
from django.test import Client
from wagtail.snippets.models import get_snippet_models

from collaboration.models import Membership
from collaboration.models.cases import Case
from collaboration.storage import CaseDocumentStorage
from portal.accounts.models import User
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.audit.writer import record_event
from tests.factories.organisations import OrganisationFactory
from tests.factories.people import PASSWORD
from tests.portal.test_settings import PRODUCTION_ENV, run_manage

ROOT = Path(__file__).resolve().parents[2]
on_postgres = pytest.mark.skipif(
    not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="database roles exist on PostgreSQL only",
)

# --- demo content --------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_content_is_refused_where_the_settings_do_not_allow_it(settings) -> None:
    settings.DEMO_CONTENT_ALLOWED = False
    with pytest.raises(CommandError, match="refuses to run"):
        call_command("load_demo_content", stdout=StringIO())
    assert not User.objects.filter(email__endswith="@veilighuis.example").exists()


@pytest.mark.parametrize(
    ("label", "env"),
    [
        ("production settings", {**PRODUCTION_ENV, "DEBUG": "false"}),
        ("production settings, DEBUG forced on", {**PRODUCTION_ENV, "DEBUG": "true"}),
        (
            "development settings with DEBUG off",
            {"DJANGO_SETTINGS_MODULE": "portal.settings.dev", "DEBUG": "false"},
        ),
    ],
)
def test_demo_content_is_refused_outside_development(label: str, env: dict[str, str]) -> None:
    result = run_manage(
        "load_demo_content", env={**env, "DATABASE_URL": "sqlite:////nonexistent/x"}
    )
    assert result.returncode != 0, label
    assert "load_demo_content refuses to run" in result.stderr, result.stderr[-2000:]
    assert "Demo content ready" not in result.stdout


# --- case documents in the image -----------------------------------------------------------


def test_case_documents_are_writable_and_kept_in_the_image(settings) -> None:
    settings.CASE_DOCUMENTS_ROOT = None
    location = Path(CaseDocumentStorage().location)
    relative = location.relative_to(ROOT)  # WORKDIR /app is the project root in the image
    folder = f"/app/{relative.parts[0]}"
    dockerfile = (ROOT / "Dockerfile").read_text()
    run = dockerfile[dockerfile.index("RUN useradd") :].split("\nUSER", 1)[0]
    assert re.search(rf"mkdir -p [^\n&]*{folder}\b", run), "the image makes the folder"
    assert re.search(rf"chown -R portal [^\n&]*{folder}\b", run), "owned by the user it runs as"
    compose = (ROOT / "docker-compose.yml").read_text()
    assert re.search(rf"- private-media:{folder}\n", compose), "on a named volume"
    assert re.search(r"^volumes:\n(?:  .*\n)*  private-media:", compose, re.MULTILINE)


def test_the_build_context_leaves_secrets_and_local_data_out() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    wanted = {".env", ".git", ".venv", "node_modules", "media", "private-media"}
    wanted |= {"db.sqlite3", "staticfiles"}
    assert wanted <= ignored


# --- database roles --------------------------------------------------------------------------


def test_migrations_run_as_the_owner_and_the_application_as_its_own_role() -> None:
    entrypoint = (ROOT / "docker/entrypoint.sh").read_text()
    web = entrypoint[entrypoint.index("  web)") : entrypoint.index("  worker)")]
    lines = [line.strip() for line in web.splitlines() if not line.strip().startswith("#")]
    for command in ("manage.py migrate", "manage.py grant_app_role"):
        at = next(n for n, line in enumerate(lines) if f'"$PYTHON" {command}' in line)
        assert 'DATABASE_URL="$MIGRATE_DATABASE_URL"' in lines[at - 1], command
    serve = next(n for n, line in enumerate(lines) if "uvicorn" in line)
    assert not any("MIGRATE_DATABASE_URL" in line for line in lines[serve - 1 :])
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "DATABASE_URL: postgres://${DB_APP_USER:-veilighuis_app}:" in compose
    assert "MIGRATE_DATABASE_URL: postgres://${DB_OWNER:-veilighuis}:" in compose
    assert "./docker/initdb:/docker-entrypoint-initdb.d:ro" in compose


@pytest.fixture
def app_role(db) -> Iterator[str]:
    """A fresh role, granted as grant_app_role grants, inside the test's transaction (PostgreSQL
    roles are transactional: it is gone when the test's transaction rolls back)."""
    role = f"vh_test_app_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    call_command("grant_app_role", role=role, stdout=StringIO())
    return role


def _as_role(role: str, statement: str) -> str:
    """Run ``statement`` as ``role``: "ok", or the SQLSTATE PostgreSQL refused it with."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{role}"')
            cursor.execute(statement)
    except DatabaseError as error:
        return getattr(error.__cause__, "sqlstate", None) or str(error)
    return "ok"


@on_postgres
@pytest.mark.django_db
def test_the_application_role_cannot_rewrite_the_audit_trail(app_role: str) -> None:
    record_event(action=AuditAction.SIGN_IN_FAILED, actor_label="iemand@test.example")
    refused = "42501"  # insufficient_privilege (also "must be owner")
    attempts = {
        "TRUNCATE audit_auditevent": refused,
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL": refused,
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only": refused,
        "ALTER TABLE audit_auditevent ADD COLUMN x integer": refused,
        "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent": refused,
        "SET session_replication_role = replica": refused,
        "UPDATE audit_auditevent SET purpose = 'x'": refused,
        "DELETE FROM audit_auditevent": refused,
        "CREATE TABLE owned_by_app (id integer)": refused,
        "TRUNCATE django_session": refused,
        # What the application does need.
        "SELECT count(*) FROM audit_auditevent": "ok",
        "UPDATE django_session SET expire_date = expire_date": "ok",
        "DELETE FROM django_session WHERE false": "ok",
    }
    assert {sql: _as_role(app_role, sql) for sql in attempts} == attempts
    # The audit writer appends as that role.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{app_role}"')
        record_event(action=AuditAction.SIGN_IN_FAILED, actor_label="als-app@test.example")
    assert AuditEvent.objects.filter(actor_label="als-app@test.example").exists()


@on_postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setup", "complaint"),
    [
        ('ALTER ROLE "{role}" SUPERUSER', "has SUPER"),
        ('ALTER ROLE "{role}" CREATEROLE', "has CREATEROLE"),
        ('ALTER TABLE audit_auditevent OWNER TO "{role}"', "owns relation audit_auditevent"),
        ('GRANT "{owner}" TO "{role}"', "is a member of the owner"),
    ],
)
def test_grant_app_role_refuses_a_role_that_could_do_more(setup: str, complaint: str) -> None:
    role = f"vh_test_app_{secrets.token_hex(4)}"
    owner = f"{role}_owner"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        # A member of a table's owner may act as the owner.
        cursor.execute(f'CREATE ROLE "{owner}" NOLOGIN')
        cursor.execute(f'ALTER TABLE django_session OWNER TO "{owner}"')
        cursor.execute(setup.format(role=role, owner=owner))
    with pytest.raises(CommandError, match=re.escape(complaint)):
        call_command("grant_app_role", role=role, stdout=StringIO())


# --- Django admin ----------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """The fields a browser would post from a page's form (checked boxes, selected options)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        name = found.get("name")
        if tag == "input" and name and "disabled" not in found:
            kind = found.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in found:
                return
            if kind in ("submit", "button", "file", "image"):
                return
            default = "on" if kind == "checkbox" else ""
            self.data.setdefault(name, []).append(found.get("value", default))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in found:
            self.data[self._select].append(found.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _change_form(client: Client, url: str) -> dict[str, list[str]]:
    page = client.get(url)
    assert page.status_code == 200, url
    fields = _FormFields()
    fields.feed(page.content.decode())
    return fields.data


@pytest.fixture
def staff(make_user, verified_client):
    """A staff member with every permission on people, groups, memberships and devices, but
    not a superuser."""
    user = make_user(email="beheerder@test.example", is_staff=True)
    labels = ["accounts", "auth", "collaboration", "otp_totp", "otp_static"]
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=labels))
    return user, verified_client(user)


@pytest.mark.django_db
def test_a_staff_member_cannot_make_themselves_superuser_or_grant_rights(staff, make_user):
    user, client = staff
    every_right = Group.objects.create(name="Alle rechten")
    every_right.permissions.set(Permission.objects.all())
    everything = [str(p.pk) for p in Permission.objects.all()]
    url = f"/django-admin/accounts/user/{user.pk}/change/"
    data = _change_form(client, url)
    data.update(
        is_superuser=["on"],
        groups=[str(every_right.pk)],
        user_permissions=everything,
        full_name=["Nieuwe Naam"],
        _save=["Bewaren"],
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.full_name == "Nieuwe Naam"  # the ordinary fields still save
    assert not user.is_superuser
    assert not user.groups.exists()
    assert user.user_permissions.count() < len(everything)
    # Nor for somebody else.
    other = make_user(email="collega@test.example")
    url = f"/django-admin/accounts/user/{other.pk}/change/"
    data = _change_form(client, url)
    data.update(
        is_superuser=["on"], is_staff=["on"], groups=[str(every_right.pk)], _save=["Bewaren"]
    )
    assert client.post(url, data).status_code == 302
    other.refresh_from_db()
    assert not (other.is_superuser or other.is_staff or other.groups.exists())


@pytest.mark.django_db
def test_a_staff_member_cannot_take_over_a_privileged_account(staff, make_user) -> None:
    _user, client = staff
    chief = make_user(email="chef@test.example", is_staff=True, is_superuser=True)
    new_password = "overgenomen-wachtwoord-1"
    response = client.post(
        f"/django-admin/accounts/user/{chief.pk}/password/",
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )
    assert response.status_code == 403
    response = client.post(
        f"/django-admin/accounts/user/{chief.pk}/change/", {"email": "aanvaller@test.example"}
    )
    assert response.status_code == 403
    response = client.post(f"/django-admin/accounts/user/{chief.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    chief.refresh_from_db()
    assert chief.email == "chef@test.example"
    assert chief.check_password(PASSWORD)


@pytest.mark.django_db
def test_only_superusers_change_groups_memberships_and_devices(staff, make_user, make_device):
    user, client = staff
    everything = [str(p.pk) for p in Permission.objects.all()]
    group = Group.objects.create(name="Redactie")
    response = client.post(
        "/django-admin/auth/group/add/", {"name": "Stiekem", "permissions": everything}
    )
    assert response.status_code == 403
    response = client.post(
        f"/django-admin/auth/group/{group.pk}/change/",
        {"name": "Redactie", "permissions": everything},
    )
    assert response.status_code == 403
    assert not Group.objects.filter(name="Stiekem").exists()
    assert not group.permissions.exists()

    police = OrganisationFactory(
        name="Politie Test", kind="police", sector="police", region="limburg"
    )
    response = client.post(
        "/django-admin/organisations/membership/add/",
        {"user": user.pk, "organisation": police.pk, "role": "partner", "is_active": "on"},
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=user).exists()

    device = make_device(make_user(email="iemand-anders@test.example"))
    for url in (
        "/django-admin/otp_totp/totpdevice/",
        f"/django-admin/otp_totp/totpdevice/{device.pk}/change/",
        f"/django-admin/otp_totp/totpdevice/{device.pk}/config/",
        f"/django-admin/otp_totp/totpdevice/{device.pk}/qrcode/",
        "/django-admin/otp_static/staticdevice/",
    ):
        assert client.get(url).status_code in (403, 404), url


@pytest.mark.django_db
def test_superusers_do_not_see_second_factor_keys_either(verified_client, make_user, make_device):
    chief = make_user(email="chef2@test.example", is_staff=True, is_superuser=True)
    client = verified_client(chief)
    device = make_device(make_user(email="ander@test.example"))
    page = client.get(f"/django-admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    qr = client.get(f"/django-admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert qr.status_code in (403, 404)


def _reaches_a_case(model: type[models.Model], depth: int = 0, seen: frozenset = frozenset()):
    """Does ``model`` hold case data: is it a case, or does a chain of its own relations lead
    to one (a timeline entry's case, a document's entry, minutes' meeting's case)?"""
    if model is Case:
        return True
    if depth >= 5 or model in seen:
        return False
    for field in model._meta.get_fields():
        related = field.related_model if field.is_relation and field.concrete else None
        if related is not None and _reaches_a_case(related, depth + 1, seen | {model}):
            return True
    return False


# Models that hold other models' contents generically: django-auditlog's history keeps every
# changed field of every tracked case model; the audit trail names cases and subjects.
GENERIC_CASE_DATA = ("auditlog.LogEntry", "audit.AuditEvent")


@pytest.mark.django_db
def test_no_case_data_is_browsable_in_django_admin(verified_client, make_user) -> None:
    case_models = {model for model in apps.get_models() if _reaches_a_case(model)}
    case_models |= {apps.get_model(label) for label in GENERIC_CASE_DATA}
    assert len(case_models) > 10  # the discovery finds the case models at all
    registered = set(admin.site._registry)
    assert sorted(model._meta.label for model in case_models & registered) == []
    # Wagtail's admin is the other back door: no snippet holds case data either.
    snippets = set(get_snippet_models())
    assert snippets  # the discovery sees Wagtail's registry at all
    assert sorted(model._meta.label for model in case_models & snippets) == []
    chief = make_user(email="chef3@test.example", is_staff=True, is_superuser=True)
    client = verified_client(chief)
    index = client.get("/django-admin/").content.decode()
    assert "/django-admin/auditlog/" not in index
    assert "/django-admin/collaboration/case" not in index
    # The history search that answered a server error is no longer there to search.
    assert client.get("/django-admin/auditlog/logentry/?q=VH-").status_code == 404
