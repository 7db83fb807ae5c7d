"""Timeline entries of finalised meetings no longer show the minutes' SHA-256.

Finalising used to write "Verslag afgerond; SHA-256 (PDF) <hash>. N afgesproken acties." (or
its English text) into the timeline that every social worker on the case reads. The hash stays
where it belongs: the minutes themselves (the meeting page's technical details) and the audit
record of the finalising. Only that sentence's hash part is removed; nothing else changes.
"""

import re

from django.db import migrations

# The Dutch source text and its English translation (locale/en), hash included.
HASH_PART = re.compile(
    r"^(Verslag afgerond|Report finalised); SHA-256 \(PDF\) [0-9a-f]{64}\.", re.MULTILINE
)


def drop_hashes(apps, schema_editor):
    TimelineEntry = apps.get_model("collaboration", "TimelineEntry")
    db = schema_editor.connection.alias
    entries = TimelineEntry.objects.using(db).filter(
        kind="network_meeting", body__contains="SHA-256 (PDF)"
    )
    for entry in entries.only("pk", "body").iterator():
        body = HASH_PART.sub(lambda match: f"{match.group(1)};", entry.body)
        if body != entry.body:
            TimelineEntry.objects.using(db).filter(pk=entry.pk).update(body=body)


class Migration(migrations.Migration):
    dependencies = [("collaboration", "0011_organisations_on_ground_floor")]

    operations = [migrations.RunPython(drop_hashes, migrations.RunPython.noop, elidable=True)]
