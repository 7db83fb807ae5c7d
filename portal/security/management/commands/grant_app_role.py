"""Give the application's database role exactly its table rights, then prove it has no more.

Run as the owner, after ``migrate`` (``docker/entrypoint.sh web`` does both with
``MIGRATE_DATABASE_URL``). The application connects as a role that owns nothing: a table's
owner may TRUNCATE it, ALTER it or disable its triggers, so an application that owned the audit
table could empty it, and the append-only trigger (audit migration 0002) would mean nothing.
The role gets SELECT, INSERT, UPDATE and DELETE on the tables and USAGE on the sequences (also
for tables later migrations add, through default privileges), and on the audit table only
SELECT and INSERT. Then every way out is checked (superuser or other role attributes, owning
anything, membership of an owning role, CREATE on the schema, TRUNCATE or TRIGGER anywhere,
setting session_replication_role); the command fails if one is open, so the web service does
not start on a database where the audit trail could be rewritten.

The roles themselves are made by ``docker/initdb/10-roles.sh`` (compose's database init, and
``.ci/run``).
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import unquote, urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from portal.audit.models import AuditEvent

if TYPE_CHECKING:
    from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Tables whose rows are never changed or removed by the application.
APPEND_ONLY_TABLES = (AuditEvent._meta.db_table,)
ROLE_ATTRIBUTES = ("rolsuper", "rolcreaterole", "rolcreatedb", "rolreplication", "rolbypassrls")


def _role_from_environment() -> str:
    url = os.environ.get("APP_DATABASE_URL", "")
    username = urlsplit(url).username if url else None
    if not username:
        raise CommandError("Name the application role: --role NAME, or set APP_DATABASE_URL.")
    return unquote(username)


def grant_statements(role: str) -> list[str]:
    """The grants, in order (``role`` already checked against ``ROLE_NAME``)."""
    statements = [
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{role}"',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "{role}"',
        f'REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM "{role}"',
    ]
    statements += [
        f'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "{table}" FROM "{role}"'
        for table in APPEND_ONLY_TABLES
    ]
    return statements


def privilege_problems(role: str) -> list[str]:
    """Everything ``role`` could do beyond plain rows (empty when it is as it should be)."""
    problems: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, oid"
            " FROM pg_roles WHERE rolname = %s",
            [role],
        )
        row = cursor.fetchone()
        if row is None:
            return [f"role {role} does not exist"]
        *attributes, oid = row
        problems += [
            f"has {name[3:].upper()}"
            for name, value in zip(ROLE_ATTRIBUTES, attributes, strict=True)
            if value
        ]
        cursor.execute(
            """
            SELECT 'database' FROM pg_database
             WHERE datname = current_database() AND datdba = %(oid)s
            UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspowner = %(oid)s
            UNION ALL SELECT 'relation ' || relname FROM pg_class WHERE relowner = %(oid)s
            UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE proowner = %(oid)s
            """,
            {"oid": oid},
        )
        problems += [f"owns {name}" for (name,) in cursor.fetchall()]
        cursor.execute(
            """
            SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class
             WHERE relnamespace = 'public'::regnamespace AND relowner <> %(oid)s
               AND pg_has_role(%(oid)s, relowner, 'MEMBER')
            """,
            {"oid": oid},
        )
        problems += [f"is a member of the owner {owner}" for (owner,) in cursor.fetchall()]
        cursor.execute("SELECT has_schema_privilege(%s, 'public', 'CREATE')", [oid])
        if cursor.fetchone()[0]:
            problems.append("may CREATE in schema public")
        cursor.execute(
            """
            SELECT relname FROM pg_class
             WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')
               AND (has_table_privilege(%(oid)s, oid, 'TRUNCATE')
                    OR has_table_privilege(%(oid)s, oid, 'TRIGGER'))
            """,
            {"oid": oid},
        )
        problems += [f"may TRUNCATE or add triggers to {name}" for (name,) in cursor.fetchall()]
        for table in APPEND_ONLY_TABLES:
            for privilege in ("UPDATE", "DELETE"):
                cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [oid, table, privilege])
                if cursor.fetchone()[0]:
                    problems.append(f"may {privilege} {table}")
            for privilege in ("SELECT", "INSERT"):
                cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [oid, table, privilege])
                if not cursor.fetchone()[0]:
                    problems.append(f"may not {privilege} {table} (the audit trail needs it)")
        # handle() refused any other database, so this is the PostgreSQL wrapper.
        if cast("PostgreSQLWrapper", connection).pg_version >= 150000:
            cursor.execute(
                "SELECT has_parameter_privilege(%s, 'session_replication_role', 'SET')", [oid]
            )
            if cursor.fetchone()[0]:
                problems.append("may SET session_replication_role (turns triggers off)")
    return problems


class Command(BaseCommand):
    help = (
        "As the database owner: grant the application role its table rights (the audit table "
        "append-only) and fail if that role could do more."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", help="the application role (default: APP_DATABASE_URL's)")

    def handle(self, *args: Any, role: str | None = None, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL.")
        role = role or _role_from_environment()
        if not ROLE_NAME.match(role):
            raise CommandError(f"{role!r} is not a plain role name (a-z, 0-9, _).")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            if cursor.fetchone()[0] == role:
                raise CommandError(
                    f"Connected as {role} itself: run this as the owner (MIGRATE_DATABASE_URL) "
                    "and let the application connect as a role that owns nothing."
                )
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"Role {role} does not exist (docker/initdb/10-roles.sh).")
            for statement in grant_statements(role):
                cursor.execute(statement)
        problems = privilege_problems(role)
        if problems:
            raise CommandError(
                f"The application role {role} can do too much: " + "; ".join(problems)
            )
        self.stdout.write(
            f"{role}: rows only; {', '.join(APPEND_ONLY_TABLES)} append-only (SELECT, INSERT)."
        )
