"""Live-notes appends may commit without waiting for the WAL flush (``p_durable``).

Every keystroke waits for its commit before it is relayed, and a synchronous commit waits for
the disk: on a busy disk that wait was most of the fan-out latency. With
``LIVE_NOTES_DURABLE_COMMIT`` off (the default) the commit is immediately visible and the WAL is
flushed by the WAL writer within ``wal_writer_delay`` (200 ms). Only a crash of the PostgreSQL
server itself can lose that last fraction of a second, and never half of it: an update and its
audit record go together. Every connected Yjs client holds those updates and sends what the
server lacks when it resynchronises, so the text comes back. Finalised minutes, cases and audit
records of every other kind keep fully synchronous commits.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION live_notes_append(
    p_meeting_id bigint, p_user_id bigint, p_device text, p_connection text,
    p_connection_json text, p_updates bytea[],
    p_before_extra text, p_between text, p_after text,
    p_action integer, p_outcome text, p_actor_id bigint, p_actor_label text,
    p_organisation text, p_role text, p_on_behalf_of text, p_object_type text,
    p_object_id text, p_case_reference text, p_subject text, p_purpose text,
    p_ip_address inet, p_session_ref text, p_correlation_id text, p_durable boolean,
    OUT o_ids bigint[], OUT o_audit_id bigint
) LANGUAGE plpgsql AS $$
DECLARE
    v_status text;
    v_phase text;
    v_sizes bigint[];
    v_extra text;
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
        p_ip_address, p_session_ref, p_correlation_id, v_extra::jsonb
      ) AS a;
END;
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS live_notes_append(
    bigint, bigint, text, text, text, bytea[], text, text, text, integer, text, bigint, text,
    text, text, text, text, text, text, text, text, inet, text, text
);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS live_notes_append;")


class Migration(migrations.Migration):
    dependencies = [("live_notes", "0003_presence_seen_at")]
    operations = [migrations.RunPython(forwards, backwards)]
