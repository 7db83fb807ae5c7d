"""One owner of the audit format: the database keeps only ``audit_chain_link``, which names no
column. It takes the chain lock, stamps the time under it, reads the last hash and hashes the
content that ``portal.audit.chain`` split around the time; the INSERT with its column list is
built in Python (``chain.append_sql``) and runs in the same statement. ``audit_append``, which
repeated the column list in SQL, is dropped.

A function, not a CTE, because the last hash must be read after the lock is taken: each
statement of a plpgsql function sees what committed before it started, a single statement's
CTE would see only what committed before the whole statement.
"""

import importlib

from django.db import migrations

CHAIN_LOCK = 75130001  # the same key audit_append used: writers of both kinds take turns

PREVIOUS_ARGUMENTS = (
    "text, text, integer, text, bigint, text, text, text, text, text, text, text, text, text, "
    "inet, text, text, integer, text, text, text, text, text, text, boolean, jsonb"
)


def create_sql(table: str) -> str:
    return rf"""
CREATE OR REPLACE FUNCTION audit_chain_link(
    p_before text, p_after text,
    OUT o_occurred_at timestamptz, OUT o_prev_hash text, OUT o_hash text
) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
    o_occurred_at := clock_timestamp();
    SELECT hash INTO o_prev_hash FROM "{table}" ORDER BY id DESC LIMIT 1;
    o_prev_hash := COALESCE(o_prev_hash, repeat('0', 64));
    o_hash := encode(sha256(convert_to(
        o_prev_hash || E'\n' || p_before
        || to_char(o_occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00'
        || p_after, 'UTF8')), 'hex');
END;
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = apps.get_model("audit", "AuditEvent")._meta.db_table
        schema_editor.execute(create_sql(table))
        schema_editor.execute(f"DROP FUNCTION IF EXISTS audit_append({PREVIOUS_ARGUMENTS});")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("portal.audit.migrations.0011_nen7513_fields")
        schema_editor.execute(previous.CREATE)
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_chain_link(text, text);")


class Migration(migrations.Migration):
    dependencies = [("audit", "0011_nen7513_fields")]
    operations = [migrations.RunPython(forwards, backwards)]
