"""On PostgreSQL, what an issued certificate says cannot change and the certificate cannot go
(issue 18 item 5): the admin shows those fields read-only, but a queryset ``update()`` or
plain SQL changed them unnoticed.

Protected are the columns of ``training.final_records.CERTIFICATE_FIELDS`` (and the id). What
may still change, each for a reason:

* the revocation columns (``revoked_at``, ``revocation_reason``), once: revoking is a
  legitimate change of status, and a revocation is final (the admin says so too);
* the name, only in the erasure on request, which says so for its own transaction with
  ``SET LOCAL veilighuis.erasure = 'on'`` (``training.final_records.allow_name_erasure``);
* the account and enrolment pointers, only to NULL (their ``SET_NULL`` when those go, and the
  erasure);
* the place in the Open Badges status list, only drawn once (it is set just after the issue,
  and moving it would move the revocation bit).

The retention run's ``SET LOCAL veilighuis.retention = 'on'`` lets everything through, as for
finalised minutes (``live_notes`` migration 0009); no retention rule touches certificates now.
Whoever can set those or drop the trigger can still change a row: ``portal.audit.final_records``
then names the certificate, because it no longer has the hash in the audit trail. TRUNCATE
(test flushes) passes."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION training_certificate_final() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('veilighuis.retention', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'an issued certificate cannot change or be removed';
    END IF;
    IF (NEW.id, NEW.code, NEW.course_title, NEW.training_hours, NEW.issued_at, NEW.expires_at)
       IS DISTINCT FROM
       (OLD.id, OLD.code, OLD.course_title, OLD.training_hours, OLD.issued_at, OLD.expires_at)
       OR (NEW.learner_name IS DISTINCT FROM OLD.learner_name
           AND coalesce(current_setting('veilighuis.erasure', true), '') <> 'on')
       OR (OLD.revoked_at IS NOT NULL
           AND (NEW.revoked_at, NEW.revocation_reason)
               IS DISTINCT FROM (OLD.revoked_at, OLD.revocation_reason))
       OR (NEW.user_id IS DISTINCT FROM OLD.user_id AND NEW.user_id IS NOT NULL)
       OR (NEW.enrolment_id IS DISTINCT FROM OLD.enrolment_id AND NEW.enrolment_id IS NOT NULL)
       OR (OLD.status_list_index IS NOT NULL
           AND NEW.status_list_index IS DISTINCT FROM OLD.status_list_index) THEN
        RAISE EXCEPTION 'an issued certificate cannot change or be removed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS training_certificate_final ON training_certificate;
CREATE TRIGGER training_certificate_final
    BEFORE UPDATE OR DELETE ON training_certificate
    FOR EACH ROW EXECUTE FUNCTION training_certificate_final();
"""

DROP = """
DROP TRIGGER IF EXISTS training_certificate_final ON training_certificate;
DROP FUNCTION IF EXISTS training_certificate_final();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("training", "0005_organisation_on_ground_floor")]
    operations = [migrations.RunPython(forwards, backwards)]
