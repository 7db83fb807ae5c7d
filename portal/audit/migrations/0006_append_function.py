"""On PostgreSQL, append a chained audit record in one round trip.

``audit_append`` takes the chain lock, stamps the time under it, reads the last hash, computes
the new hash in the database and inserts the row: the same steps the Python writer takes on
other databases, in one statement instead of three, because every audited change pays for
them (issue 7: an audited update may cost at most 1.3 times an unaudited one). The hash is
byte-for-byte the one ``portal.audit.writer.compute_hash`` computes, so ``audit_verify`` checks
both kinds of rows alike.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION audit_append(
    p_before text, p_after text,
    p_action integer, p_outcome text, p_actor_id bigint, p_actor_label text,
    p_organisation text, p_role text, p_on_behalf_of text, p_object_type text,
    p_object_id text, p_case_reference text, p_subject text, p_purpose text,
    p_ip_address inet, p_session_ref text, p_correlation_id text, p_extra jsonb,
    OUT o_id bigint, OUT o_occurred_at timestamptz, OUT o_prev_hash text, OUT o_hash text
) LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(75130001);
    o_occurred_at := clock_timestamp();
    SELECT hash INTO o_prev_hash FROM audit_auditevent ORDER BY id DESC LIMIT 1;
    o_prev_hash := COALESCE(o_prev_hash, repeat('0', 64));
    o_hash := encode(sha256(convert_to(
        o_prev_hash || E'\n' || p_before
        || to_char(o_occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00'
        || p_after, 'UTF8')), 'hex');
    INSERT INTO audit_auditevent (
        occurred_at, action, outcome, actor_id, actor_label, organisation, role, on_behalf_of,
        object_type, object_id, case_reference, subject, purpose, ip_address, session_ref,
        correlation_id, extra, prev_hash, hash
    ) VALUES (
        o_occurred_at, p_action, p_outcome, p_actor_id, p_actor_label, p_organisation, p_role,
        p_on_behalf_of, p_object_type, p_object_id, p_case_reference, p_subject, p_purpose,
        p_ip_address, p_session_ref, p_correlation_id, p_extra, o_prev_hash, o_hash
    ) RETURNING id INTO o_id;
END;
$$;
"""

DROP = "DROP FUNCTION IF EXISTS audit_append;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_hash_not_unique")]
    operations = [migrations.RunPython(forwards, backwards)]
