"""On PostgreSQL, a decided referral's decision cannot change and the referral cannot go
(issue 18 item 5): a queryset ``update()`` or plain SQL changed an accepted or declined
referral's status, reason or decider unnoticed.

Final are the statuses ``accepted`` and ``declined`` (``selectors.final_records.DECIDED``); the
decision is the columns of ``REFERRAL_DECISION_FIELDS`` there. The rest of the row may still
change (an escalation stamp, a consult question removed), and an undecided referral changes
freely, so deciding it is an ordinary UPDATE. The one legitimate change to a decision is the
retention run scrubbing the reason and advice, which says so for its own transaction with
``SET LOCAL veilighuis.retention = 'on'`` (``services.retention.allow_final_record_changes``),
as for finalised minutes (``live_notes`` migration 0009). Whoever can set that, or drop the
trigger, can still change it: ``portal.audit.final_records`` then names the referral, because
its decision no longer has the hash in the audit trail. TRUNCATE (test flushes) passes."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION collaboration_referral_decision_final() RETURNS trigger AS $$
BEGIN
    IF OLD.status NOT IN ('accepted', 'declined')
       OR coalesce(current_setting('veilighuis.retention', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a decided referral cannot change or be removed';
    END IF;
    IF (NEW.id, NEW.status, NEW.decided_by_id, NEW.decided_at, NEW.decline_reason,
        NEW.decline_advice)
       IS DISTINCT FROM
       (OLD.id, OLD.status, OLD.decided_by_id, OLD.decided_at, OLD.decline_reason,
        OLD.decline_advice) THEN
        RAISE EXCEPTION 'a decided referral cannot change or be removed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS collaboration_referral_decision_final ON collaboration_referral;
CREATE TRIGGER collaboration_referral_decision_final
    BEFORE UPDATE OR DELETE ON collaboration_referral
    FOR EACH ROW EXECUTE FUNCTION collaboration_referral_decision_final();
"""

DROP = """
DROP TRIGGER IF EXISTS collaboration_referral_decision_final ON collaboration_referral;
DROP FUNCTION IF EXISTS collaboration_referral_decision_final();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("collaboration", "0020_risk_and_safety_plan")]
    operations = [migrations.RunPython(forwards, backwards)]
