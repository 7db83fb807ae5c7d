"""``live_notes_store`` replaces ``live_notes_append``: it keeps the notes' own steps (lock the
meeting row, check that the notes may change, count the bytes, insert the updates) and returns
the canonical JSON of the audit record's ``extra``; the audit row is appended in the same
statement by the INSERT that ``portal.audit.chain`` builds
(``collaboration.live_notes.services._APPEND_SQL``). So the audit columns and the hash format
are no longer repeated here.

The statuses in which the notes are read-only and the closed phase are parameters, from the
models (``Meeting.is_settled``, ``Case.is_closed``), not literals; the table names come from the
models as this migration found them.
"""

import importlib

from django.db import migrations

PREVIOUS_ARGUMENTS = (
    "bigint, bigint, text, text, text, bytea[], text, text, text, integer, text, bigint, text, "
    "text, text, text, text, text, text, text, text, inet, text, text, integer, text, text, "
    "text, text, text, text, boolean, boolean, bigint"
)
THIS_ARGUMENTS = "bigint, bigint, text, text, text, bytea[], boolean, bigint, text[], text"


def create_sql(*, meeting: str, case: str, volume: str, update: str) -> str:
    return rf"""
CREATE OR REPLACE FUNCTION live_notes_store(
    p_meeting_id bigint, p_user_id bigint, p_device text, p_connection text,
    p_connection_json text, p_updates bytea[], p_durable boolean, p_max_bytes bigint,
    p_read_only_statuses text[], p_closed_phase text,
    OUT o_ids bigint[], OUT o_full boolean, OUT o_extra text
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_status text;
    v_phase text;
    v_sizes bigint[];
    v_batch bigint;
    v_stored bigint;
BEGIN
    IF NOT p_durable THEN
        -- Visible and relayed at commit; the WAL flush follows within wal_writer_delay.
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    SELECT m.status, c.phase INTO v_status, v_phase
      FROM "{meeting}" m JOIN "{case}" c ON c.id = m.case_id
     WHERE m.id = p_meeting_id
       FOR NO KEY UPDATE OF m;
    IF v_status IS NULL OR v_status = ANY(p_read_only_statuses) OR v_phase = p_closed_phase THEN
        RETURN;  -- read only: nothing stored, o_ids and o_extra stay NULL
    END IF;
    SELECT coalesce(sum(octet_length(u)), 0) INTO v_batch FROM unnest(p_updates) AS u;
    IF v_batch > p_max_bytes THEN
        o_full := true;
        RETURN;
    END IF;
    -- Under the meeting row lock: concurrent appends to one meeting take turns here.
    INSERT INTO "{volume}" AS v (meeting_id, stored_bytes)
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
        INSERT INTO "{update}"
            (meeting_id, user_id, device, connection_id, received_at, size, data)
        SELECT p_meeting_id, p_user_id, p_device, p_connection, clock_timestamp(),
               octet_length(u.data), u.data
          FROM unnest(p_updates) WITH ORDINALITY AS u(data, position)
         ORDER BY u.position
        RETURNING id, size
    )
    SELECT array_agg(id ORDER BY id), array_agg(size ORDER BY id) INTO o_ids, v_sizes
      FROM stored;
    -- The canonical JSON of {{"connection", "sizes", "update_ids"}} as Python writes it.
    o_extra := '{{"connection":' || p_connection_json
        || ',"sizes":[' || array_to_string(v_sizes, ',')
        || '],"update_ids":[' || array_to_string(o_ids, ',') || ']}}';
END;
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        tables = {
            "meeting": apps.get_model("collaboration", "Meeting")._meta.db_table,
            "case": apps.get_model("collaboration", "Case")._meta.db_table,
            "volume": apps.get_model("live_notes", "NotesVolume")._meta.db_table,
            "update": apps.get_model("live_notes", "NoteUpdate")._meta.db_table,
        }
        schema_editor.execute(create_sql(**tables))
        schema_editor.execute(f"DROP FUNCTION IF EXISTS live_notes_append({PREVIOUS_ARGUMENTS});")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module(
            "collaboration.live_notes.migrations.0006_append_nen7513"
        )
        schema_editor.execute(previous.CREATE)
        schema_editor.execute(f"DROP FUNCTION IF EXISTS live_notes_store({THIS_ARGUMENTS});")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0012_chain_link_function"),
        ("live_notes", "0006_append_nen7513"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
