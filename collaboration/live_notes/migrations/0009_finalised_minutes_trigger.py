"""On PostgreSQL, finalised minutes cannot change or go (issue 18 item 5): the model refuses a
second ``save()`` only in Python, and a queryset ``update()`` changed their HTML unnoticed.

The one legitimate change is the retention run replacing them (``services.retention``), which
says so for its own transaction with ``SET LOCAL veilighuis.retention = 'on'``. Whoever can set
that, or drop the trigger, can still change them: the meeting page then warns, because the
stored hashes no longer match those in the append-only audit trail
(``selectors.minutes_integrity``). TRUNCATE (test flushes) is not a row change and passes."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION live_notes_minutes_final() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('veilighuis.retention', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'finalised minutes cannot change';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS live_notes_minutes_final ON live_notes_minutes;
CREATE TRIGGER live_notes_minutes_final
    BEFORE UPDATE OR DELETE ON live_notes_minutes
    FOR EACH ROW EXECUTE FUNCTION live_notes_minutes_final();
"""

DROP = """
DROP TRIGGER IF EXISTS live_notes_minutes_final ON live_notes_minutes;
DROP FUNCTION IF EXISTS live_notes_minutes_final();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("live_notes", "0008_organisation_on_ground_floor")]
    operations = [migrations.RunPython(forwards, backwards)]
