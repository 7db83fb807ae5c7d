"""What an issued certificate says cannot change (issue 18 item 5): on PostgreSQL a trigger
refuses a queryset update, plain SQL and a deletion; the revocation (once), the erasure of the
name on request, clearing the pointers and drawing the status-list place still pass. Fails
without migration 0006_certificate_trigger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from content.training.final_records import CERTIFICATE_FIELDS
from content.training.models import Certificate
from content.training.services.certificates import certificate_revoke
from content.training.services.rights import learner_erase
from portal.accounts.rights_registry import CertificateChoice
from tests.final_records_world import issued_certificate

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

REFUSED = "an issued certificate cannot change or be removed"

NEW_VALUES: dict[str, Any] = {
    "code": "VH-0000-0000-0000",
    "learner_name": "Iemand Anders",
    "course_title": "Andere cursus",
    "training_hours": Decimal("40.0"),
    "issued_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    "expires_at": dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
}


@pytest.fixture
def certificate(make_course: Any, learner: Any) -> Certificate:
    return issued_certificate(make_course, learner)


def _says(certificate: Certificate) -> tuple[Any, ...]:
    certificate.refresh_from_db()
    return tuple(getattr(certificate, name) for name in CERTIFICATE_FIELDS)


def _refused() -> Any:
    return pytest.raises(DatabaseError, match=REFUSED)


@pytest.mark.parametrize("name", CERTIFICATE_FIELDS)
def test_a_queryset_update_of_what_it_says_is_refused(certificate: Certificate, name: str) -> None:
    before = _says(certificate)
    with _refused(), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(**{name: NEW_VALUES[name]})
    assert _says(certificate) == before


def test_plain_sql_and_deletion_are_refused(certificate: Certificate) -> None:
    before = _says(certificate)
    for sql in (
        "UPDATE training_certificate SET course_title = 'Andere cursus' WHERE id = %s",
        "DELETE FROM training_certificate WHERE id = %s",
    ):
        with _refused(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [certificate.pk])
    with _refused(), transaction.atomic():
        certificate.delete()
    assert _says(certificate) == before


def test_revocation_passes_once(certificate: Certificate) -> None:
    certificate_revoke(certificate=certificate, reason="Fout uitgereikt (fictief)")
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    for values in ({"revoked_at": None}, {"revocation_reason": "Een andere reden"}):
        with _refused(), transaction.atomic():
            Certificate.objects.filter(pk=certificate.pk).update(**values)


def test_the_status_list_place_is_drawn_once_and_the_pointers_only_cleared(
    certificate: Certificate, make_user: Any
) -> None:
    assert certificate.status_list_index is not None
    with _refused(), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(
            status_list_index=certificate.status_list_index + 1
        )
    with _refused(), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(user=make_user())
    Certificate.objects.filter(pk=certificate.pk).update(user=None, enrolment=None)


def test_the_erasure_on_request_still_removes_the_name(certificate: Certificate) -> None:
    with transaction.atomic():
        learner_erase(user=certificate.user, certificates=CertificateChoice.KEEP)
    certificate.refresh_from_db()
    assert certificate.learner_name != "Fien Fictief" and certificate.user_id is None
