"""The NEN 7513 JSON export (Logius logging extension field names): the command, and the
download for privacy officers, which is audited and scoped like the viewer."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from collaboration.models import Membership, Organisation
from portal.audit.classification import LegalBasis
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from portal.audit.nen7513 import EXPORT_FORMAT, export_record
from portal.audit.writer import record_event

NEN7513_ATTRIBUTES = {
    "dpl.core.processing_activity_id",
    "dpl.core.data_subject_id",
    "dpl.core.data_subject_id_type",
    "dpl.nen7513.eventTypeCode",
    "dpl.nen7513.users",
    "dpl.nen7513.participants",
    "dpl.nen7513.participantSegments",
    "dpl.nen7513.autorisatieProtocol",
    "dpl.nen7513.behandelrelatieProtocol",
    "dpl.nen7513.toestemmingsProfiel",
    "dpl.nen7513.controles",
}
USER_FIELDS = {
    "userID",
    "alternateUserID",
    "userName",
    "userIsRequestor",
    "roleIDCode",
    "purposeOfUse",
    "networkAccessPointTypeCode",
    "networkAccessPointID",
}
PARTICIPANT_FIELDS = {
    "participantObjectTypeCode",
    "participantObjectTypeCodeRole",
    "participantObjectDataLifeCycle",
    "participantObjectIDTypeCode",
    "participantObjectPermissionPolicySet",
    "participantObjectSensitivity",
    "participantObjectID",
    "participantObjectName",
    "participantObjectDetail",
    "participantObjectDescription",
}


def _in_region(user, region: str, role: str = "partner"):
    organisation = Organisation.objects.get_or_create(
        name=f"Dienst {region}", defaults={"kind": "caw", "sector": "welfare", "region": region}
    )[0]
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.mark.django_db
def test_a_record_has_the_logius_fields_and_the_nen7513_attributes(make_user) -> None:
    user = make_user(email="regie@test.example")
    event = record_event(
        action=AuditAction.CASE_VIEWED,
        actor=user,
        access_rule="break_the_glass",
        case_reference="VH-OVL-2026-0004",
        object_type="case",
        object_id=4,
        purpose="Kind in acuut gevaar, casusregisseur onbereikbaar.",
    )
    record = export_record(AuditEvent.objects.get(pk=event.pk))
    for name in ("trace_id", "span_id", "name", "start_time", "end_time", "status_code"):
        assert record[name] not in (None, ""), name
    assert len(record["trace_id"]) == 32 and len(record["span_id"]) == 16
    assert record["name"] == "case_viewed" and record["status_code"] == "STATUS_CODE_OK"
    assert set(record["resource"]["attributes"]) == {
        "nen7513.AuditEnterpriseSiteID",
        "nen7513.AuditSourceId",
        "nen7513.AuditSourceTypeCode",
    }
    attributes = record["attributes"]
    assert set(attributes) >= NEN7513_ATTRIBUTES
    assert set(attributes["dpl.nen7513.users"][0]) == USER_FIELDS
    participant = attributes["dpl.nen7513.participants"][0]
    assert set(participant) == PARTICIPANT_FIELDS
    assert participant["participantObjectDataLifeCycle"] == "6"  # access / use
    assert participant["participantObjectSensitivity"] == "V"
    assert attributes["dpl.nen7513.autorisatieProtocol"] == "break_the_glass"
    assert attributes["dpl.nen7513.behandelrelatieProtocol"] == "noodtoegang"
    assert attributes["vh.emergency"] is True
    assert attributes["dpl.core.data_subject_id"] == "VH-OVL-2026-0004"
    assert attributes["dpl.nen7513.users"][0]["userName"] == "regie@test.example"


@pytest.mark.django_db
def test_a_refusal_is_an_error_and_a_sharing_act_names_its_basis(make_user) -> None:
    user = make_user()
    refused = record_event(action=AuditAction.CASE_VIEWED, actor=user, outcome=Outcome.DENIED)
    shared = record_event(action=AuditAction.REFERRAL_SUBMITTED, actor=user)
    refused_record = export_record(AuditEvent.objects.get(pk=refused.pk))
    shared_record = export_record(AuditEvent.objects.get(pk=shared.pk))
    assert refused_record["status_code"] == "STATUS_CODE_ERROR"
    assert refused_record["attributes"]["dpl.nen7513.autorisatieProtocol"] == "none"
    assert shared_record["attributes"]["dpl.nen7513.toestemmingsProfiel"] == (
        LegalBasis.CHAIN_PUBLIC_TASK
    )


@pytest.mark.django_db
def test_the_command_exports_a_period_as_one_json_document_and_is_audited(make_user) -> None:
    user = make_user()
    for number in range(3):
        record_event(
            action=AuditAction.CASE_VIEWED,
            actor=user,
            access_rule="participant",
            case_reference=f"VH-OVL-2026-000{number}",
            purpose='aanhalingsteken " en regel\nnieuw é',
        )
    out = io.StringIO()
    call_command("audit_export_nen7513", "--case", "vh-ovl-2026-0001", stdout=out)
    document = json.loads(out.getvalue())
    assert document["format"] == EXPORT_FORMAT
    assert [r["attributes"]["dpl.core.data_subject_id"] for r in document["records"]] == [
        "VH-OVL-2026-0001"
    ]
    everything = io.StringIO()
    call_command("audit_export_nen7513", stdout=everything)
    records = json.loads(everything.getvalue())["records"]
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORTED, object_type="audit")
    assert exports.count() == 2
    assert len(records) == 3 + 2  # the reads, and the two exports themselves
    assert records[0]["attributes"]["dpl.nen7513.users"][0]["purposeOfUse"].endswith("nieuw é")


@pytest.mark.django_db
def test_privacy_officer_downloads_their_regions_part_and_it_is_audited(
    make_user, verified_client
) -> None:
    officer = _in_region(make_user(email="privacy@test.example"), "leuven", "privacy_officer")
    ours = _in_region(make_user(email="lezer@test.example"), "leuven")
    theirs = _in_region(make_user(email="ander@test.example"), "limburg")
    record_event(action=AuditAction.CASE_VIEWED, actor=ours, access_rule="participant")
    record_event(action=AuditAction.CASE_VIEWED, actor=theirs, access_rule="participant")
    response = verified_client(officer).get("/audit/nen7513.json", {"action": 200})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(b"".join(response.streaming_content))
    names = [r["attributes"]["dpl.nen7513.users"][0]["userName"] for r in document["records"]]
    assert names == ["lezer@test.example"]
    recorded = AuditEvent.objects.get(action=AuditAction.EXPORTED, actor=officer)
    assert recorded.extra["format"] == EXPORT_FORMAT
    assert recorded.access_rule == "privacy_officer"


@pytest.mark.django_db
def test_others_get_not_found_for_the_download_and_it_is_recorded(
    make_user, verified_client
) -> None:
    outsider = _in_region(make_user(), "leuven")
    assert verified_client(outsider).get("/audit/nen7513.json").status_code == 404
    denied = AuditEvent.objects.get(actor=outsider, outcome=Outcome.DENIED)
    assert denied.action == AuditAction.EXPORTED and denied.access_rule == "none"


@pytest.mark.django_db
def test_the_log_page_offers_the_download_with_its_filters(make_user, verified_client) -> None:
    import html
    import re

    officer = _in_region(make_user(email="privacy2@test.example"), "leuven", "privacy_officer")
    client = verified_client(officer)
    page = client.get("/audit/", {"action": 200}).content.decode()
    links = [html.unescape(h) for h in re.findall(r'href="([^"]*nen7513\.json[^"]*)"', page)]
    assert links, "the audit log page links to the NEN 7513 export"
    assert "action=200" in links[0]  # the export follows the filters on screen
    download = client.get(links[0])
    assert download.status_code == 200
    assert "records" in json.loads(b"".join(download.streaming_content))
