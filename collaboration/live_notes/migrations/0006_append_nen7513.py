"""``live_notes_append`` passes the NEN 7513 fields of audit format 2 (audit migration 0011)
on to ``audit_append``; otherwise unchanged from 0005."""

import importlib

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION live_notes_append(
    p_meeting_id bigint, p_user_id bigint, p_device text, p_connection text,
    p_connection_json text, p_updates bytea[],
    p_before_extra text, p_between text, p_after text,
    p_action integer, p_outcome text, p_actor_id bigint, p_actor_label text,
    p_organisation text, p_role text, p_on_behalf_of text, p_object_type text,
    p_object_id text, p_case_reference text, p_subject text, p_purpose text,
    p_ip_address inet, p_session_ref text, p_correlation_id text,
    p_format_version integer, p_source_system text, p_site text, p_access_rule text,
    p_legal_basis text, p_lifecycle text, p_sensitivity text, p_emergency boolean,
    p_durable boolean, p_max_bytes bigint,
    OUT o_ids bigint[], OUT o_audit_id bigint, OUT o_full boolean
) LANGUAGE plpgsql AS $$
DECLARE
    v_status text;
    v_phase text;
    v_sizes bigint[];
    v_extra text;
    v_batch bigint;
    v_stored bigint;
BEGIN
    IF NOT p_durable THEN
        -- Visible and relayed at commit; the WAL flush follows within wal_writer_delay.
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    SELECT m.status, c.phase INTO v_status, v_phase
      FROM collaboration_meeting m JOIN collaboration_case c ON c.id = m.case_id
     WHERE m.id = p_meeting_id
       FOR NO KEY UPDATE OF m;
    IF v_status IS NULL OR v_status = 'finalised' OR v_phase = 'closed' THEN
        RETURN;  -- read only: nothing stored, o_ids stays NULL
    END IF;
    SELECT coalesce(sum(octet_length(u)), 0) INTO v_batch FROM unnest(p_updates) AS u;
    IF v_batch > p_max_bytes THEN
        o_full := true;
        RETURN;
    END IF;
    -- Under the meeting row lock: concurrent appends to one meeting take turns here.
    INSERT INTO live_notes_notesvolume AS v (meeting_id, stored_bytes)
         VALUES (p_meeting_id, v_batch)
    ON CONFLICT (meeting_id) DO UPDATE SET stored_bytes = v.stored_bytes + EXCLUDED.stored_bytes
     WHERE v.stored_bytes + EXCLUDED.stored_bytes <= p_max_bytes
    RETURNING v.stored_bytes INTO v_stored;
    IF v_stored IS NULL THEN
        o_full := true;  -- the cap would be passed: nothing stored, nothing audited
        RETURN;
    END IF;
    o_full := false;
    WITH stored AS (
        INSERT INTO live_notes_noteupdate
            (meeting_id, user_id, device, connection_id, received_at, size, data)
        SELECT p_meeting_id, p_user_id, p_device, p_connection, clock_timestamp(),
               octet_length(u.data), u.data
          FROM unnest(p_updates) WITH ORDINALITY AS u(data, position)
         ORDER BY u.position
        RETURNING id, size
    )
    SELECT array_agg(id ORDER BY id), array_agg(size ORDER BY id) INTO o_ids, v_sizes
      FROM stored;
    -- The canonical JSON of {"connection", "sizes", "update_ids"} as Python writes it.
    v_extra := '{"connection":' || p_connection_json
        || ',"sizes":[' || array_to_string(v_sizes, ',')
        || '],"update_ids":[' || array_to_string(o_ids, ',') || ']}';
    SELECT a.o_id INTO o_audit_id
      FROM audit_append(
        p_before_extra || v_extra || p_between, p_after,
        p_action, p_outcome, p_actor_id, p_actor_label, p_organisation, p_role,
        p_on_behalf_of, p_object_type, p_object_id, p_case_reference, p_subject, p_purpose,
        p_ip_address, p_session_ref, p_correlation_id,
        p_format_version, p_source_system, p_site, p_access_rule, p_legal_basis, p_lifecycle,
        p_sensitivity, p_emergency, v_extra::jsonb
      ) AS a;
END;
$$;
"""

_PREVIOUS_ARGUMENTS = (
    "bigint, bigint, text, text, text, bytea[], text, text, text, integer, text, bigint, text, "
    "text, text, text, text, text, text, text, text, inet, text, text, boolean, bigint"
)
_THIS_ARGUMENTS = (
    "bigint, bigint, text, text, text, bytea[], text, text, text, integer, text, bigint, text, "
    "text, text, text, text, text, text, text, text, inet, text, text, integer, text, text, "
    "text, text, text, text, boolean, boolean, bigint"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS live_notes_append({_PREVIOUS_ARGUMENTS});")
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("collaboration.live_notes.migrations.0005_notes_volume")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS live_notes_append({_THIS_ARGUMENTS});")
        schema_editor.execute(previous.CREATE)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0011_nen7513_fields"),
        ("live_notes", "0005_notes_volume"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
