"""Steps of the subject-access workflow as a privacy officer takes them in the audit area,
through the real pages (test client, second factor verified)."""

from __future__ import annotations

import io
import json
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collaboration.models import FamilyMember, SubjectAccessRequest


def register(client: Client, member: FamilyMember, **overrides: Any) -> SubjectAccessRequest:
    data = {
        "dossier": member.case.reference,
        "member": member.pk,
        "requester_name": member.name,
        "requester_relation": "self",
        "identity_checked_by": "Rik Regisseur, Veilig Huis",
        "identity_check": "id_card_shown",
        "identity_note": "",
        "received_on": timezone.localdate().isoformat(),
        **overrides,
    }
    response = client.post(reverse("audit:subject_access_new"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return SubjectAccessRequest.objects.latest("id")


def assemble(client: Client, sar: SubjectAccessRequest) -> None:
    response = client.post(reverse("audit:subject_access_assemble", args=[sar.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]


def decide(
    client: Client, sar: SubjectAccessRequest, item: Any, decision: str, reason: str = ""
) -> Any:
    prefix = f"item-{item.pk}"
    return client.post(
        reverse("audit:subject_access_decide", args=[sar.pk, item.pk]),
        {f"{prefix}-decision": decision, f"{prefix}-reason": reason},
    )


def release(client: Client, sar: SubjectAccessRequest) -> Any:
    return client.post(reverse("audit:subject_access_release", args=[sar.pk]), {"confirm": "on"})


def download(client: Client, sar: SubjectAccessRequest) -> tuple[str, dict[str, Any]]:
    """The released export: the PDF's extracted text and the JSON."""
    from pypdf import PdfReader

    pdf = client.get(reverse("audit:subject_access_download", args=[sar.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    raw = client.get(reverse("audit:subject_access_download", args=[sar.pk, "json"]))
    assert raw.status_code == 200
    return text, json.loads(raw.content)


def json_strings(value: Any) -> list[str]:
    """Every key and string value of a JSON document."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *json_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return [value] if isinstance(value, str) else []
