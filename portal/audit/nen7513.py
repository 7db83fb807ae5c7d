"""The audit trail as JSON in the field names of the Logius "Logboek dataverwerkingen" standard
with its NEN 7513 extension (``logboek-extensie-nen7513``).

One record per audit event: the standard's own fields (``trace_id``, ``span_id``, ``name``,
``start_time``, ``end_time``, ``status_code``, ``resource``, ``attributes``), the source system
in ``resource.attributes`` under ``nen7513.*``, and every other NEN 7513 field under the
``dpl.nen7513.*`` attributes. Our own additions, which the standard leaves to the organisation,
are under ``vh.*``. ``docs/audit.md`` gives the mapping field by field; the test
``tests/audit/test_nen7513_export.py`` holds the code to it.

Only what the row holds is exported: identifiers, codes and field names, never case content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from .classification import AccessRule, Lifecycle
from .events import AuditAction, Outcome
from .models import AuditEvent

EXPORT_FORMAT = "veilig-huis-nen7513/1"

# NEN 7513 / DICOM ParticipantObjectDataLifeCycle codes for our five steps.
LIFECYCLE_CODES: dict[str, str] = {
    Lifecycle.CREATE: "1",  # Origination / Creation
    Lifecycle.UPDATE: "3",  # Amendment
    Lifecycle.READ: "6",  # Access / Use
    Lifecycle.EXPORT: "10",  # Export
    Lifecycle.DELETE: "14",  # Logical deletion (the portal anonymises; rows are not erased)
}

# Status of the act (the standard's ``status_code``, NEN 7513 ``EventOutcomeIndicator``). A
# refusal is reported as an error: ``UNSET`` would read as success to a NEN 7513 consumer.
STATUS_CODES: dict[str, str] = {
    Outcome.ALLOWED: "STATUS_CODE_OK",
    Outcome.DENIED: "STATUS_CODE_ERROR",
}

# RFC 3881 / NEN 7513 AuditSourceTypeCode 4: application server process.
AUDIT_SOURCE_TYPE_CODE = "4"

# The processing activities of docs/privacy.md ("Controllers, purposes and legal bases").
_ACTIVITY = "urn:veilig-huis:verwerkingsactiviteit:"


def processing_activity(action: int) -> str:
    """Which processing activity of the record of processing the act belongs to."""
    code = int(action)
    if code in (AuditAction.CONSULT_VIEWED, AuditAction.CONSULT_HANDLED):
        return _ACTIVITY + "consultvragen"
    if code in (AuditAction.TRAINING_REPORT_VIEWED, AuditAction.LEARNER_DATA_DOWNLOADED):
        return _ACTIVITY + "vorming"
    if code < 200 or code in (AuditAction.AUDIT_VIEWED, AuditAction.EXPORTED):
        return _ACTIVITY + "accounts-en-auditlogboek"
    if 520 <= code < 600:
        return _ACTIVITY + "rechten-van-betrokkenen"
    return _ACTIVITY + "casusregie"


def _hex(value: str, length: int) -> str:
    """A lower-case hex identifier of ``length`` characters: the value itself when it already is
    one (our correlation ids are 32 hex digits), else a digest of it."""
    value = (value or "").lower()
    if len(value) == length and all(c in "0123456789abcdef" for c in value):
        return value
    return hashlib.sha256(value.encode()).hexdigest()[:length]


def _millis(moment: dt.datetime) -> int:
    return int(moment.astimezone(dt.UTC).timestamp() * 1000)


def _behandelrelatie(rule: str, emergency: bool) -> str | None:
    if emergency:
        return "noodtoegang"
    if rule in (AccessRule.CASE_DIRECTOR, AccessRule.PARTICIPANT, AccessRule.COORDINATOR):
        return "dossierrelatie"
    return None


def export_record(event: AuditEvent) -> dict[str, Any]:
    """One audit event as a Logboek dataverwerkingen record with the NEN 7513 attributes."""
    action = int(event.action)
    try:
        action_name = AuditAction(action).name.lower()
        action_label = str(AuditAction(action).label)
    except ValueError:
        action_name, action_label = str(action), ""
    at = _millis(event.occurred_at)
    users: list[dict[str, Any]] = [
        {
            "userID": str(event.actor_id) if event.actor_id is not None else None,
            "alternateUserID": event.session_ref or None,
            "userName": event.actor_label or None,
            "userIsRequestor": True,
            "roleIDCode": event.role or None,
            "purposeOfUse": event.purpose or None,
            "networkAccessPointTypeCode": "2" if event.ip_address else None,  # 2: IP address
            "networkAccessPointID": event.ip_address or None,
        }
    ]
    if event.on_behalf_of:
        users.append(
            {
                "userID": None,
                "alternateUserID": None,
                "userName": event.on_behalf_of,
                "userIsRequestor": False,
                "roleIDCode": None,
                "purposeOfUse": event.purpose or None,
                "networkAccessPointTypeCode": None,
                "networkAccessPointID": None,
            }
        )
    policies = [f"vh:toegangsregel:{event.access_rule}"] if event.access_rule else []
    if event.legal_basis:
        policies.append(f"vh:rechtsgrond:{event.legal_basis}")
    participant = {
        "participantObjectTypeCode": "1" if event.object_type == "user" else "2",
        "participantObjectTypeCodeRole": None,
        "participantObjectDataLifeCycle": LIFECYCLE_CODES.get(event.lifecycle),
        "participantObjectIDTypeCode": event.object_type or None,
        "participantObjectPermissionPolicySet": policies,
        "participantObjectSensitivity": event.sensitivity or None,
        "participantObjectID": event.object_id or None,
        "participantObjectName": event.case_reference or None,
        "participantObjectDetail": event.extra or {},
        "participantObjectDescription": action_label or None,
    }
    subject = event.subject or event.case_reference
    subject_type = "vh-betrokkene" if event.subject else ("vh-dossier" if subject else None)
    return {
        "trace_id": _hex(event.correlation_id or event.hash, 32),
        "span_id": _hex(event.hash, 16),
        "parent_span_id": None,
        "name": action_name,
        "start_time": at,
        "end_time": at,
        "status_code": STATUS_CODES.get(event.outcome, "STATUS_CODE_UNSET"),
        "resource": {
            "attributes": {
                "nen7513.AuditEnterpriseSiteID": event.site or None,
                "nen7513.AuditSourceId": event.source_system or None,
                "nen7513.AuditSourceTypeCode": AUDIT_SOURCE_TYPE_CODE,
            }
        },
        "attributes": {
            "dpl.core.processing_activity_id": processing_activity(action),
            "dpl.core.data_subject_id": subject or None,
            "dpl.core.data_subject_id_type": subject_type,
            "dpl.nen7513.eventTypeCode": str(action),
            "dpl.nen7513.users": users,
            "dpl.nen7513.participants": [participant],
            "dpl.nen7513.participantSegments": [],
            "dpl.nen7513.autorisatieProtocol": event.access_rule or None,
            "dpl.nen7513.behandelrelatieProtocol": _behandelrelatie(
                event.access_rule, event.emergency
            ),
            "dpl.nen7513.toestemmingsProfiel": event.legal_basis or None,
            "dpl.nen7513.controles": {
                "format_version": event.format_version,
                "prev_hash": event.prev_hash,
                "hash": event.hash,
            },
            "vh.audit_event_id": event.pk,
            "vh.organisation": event.organisation or None,
            "vh.emergency": bool(event.emergency),
            "vh.outcome": event.outcome,
            "vh.lifecycle": event.lifecycle or None,
            "vh.occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(
                timespec="microseconds"
            ),
        },
    }


def export_json(events: Iterable[AuditEvent], *, meta: dict[str, Any]) -> Iterator[str]:
    """The export as chunks of one JSON document: ``{"format", "meta", "records": [...]}``,
    streamed so a year of the trail never sits in memory."""
    head = {"format": EXPORT_FORMAT, "meta": meta}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "records": ['
    first = True
    for event in events:
        yield ("\n" if first else ",\n") + json.dumps(export_record(event), ensure_ascii=False)
        first = False
    yield "\n]}\n"
