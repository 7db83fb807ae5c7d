from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from collaboration.models import ConsultRequest, ConsultStatus, Region
from collaboration.services.consults import consult_request_submit
from tests.consult_coordinators import consult_coordinators  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("consult_coordinators")

QUESTION = "Een leerling vertelt over ruzies thuis met slaan. Hoe pak ik dit aan?"


def _submit(**overrides):
    data = {
        "name": "Fictieve Leerkracht",
        "organisation": "Fictieve School",
        "email": "leerkracht@school.example",
        "phone": "",
        "region": Region.OOST_VLAANDEREN,
        "question": QUESTION,
    }
    data.update(overrides)
    return consult_request_submit(**data)


@pytest.mark.django_db
def test_submit_saves_and_sends_neutral_confirmation(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        consult = _submit()
        assert mail.outbox == []  # only after commit
    consult.refresh_from_db()
    assert consult.status == ConsultStatus.NEW
    assert consult.answered_by is None
    [message] = [m for m in mail.outbox if m.to == ["leerkracht@school.example"]]
    assert message.to == ["leerkracht@school.example"]
    assert "slaan" not in message.subject + message.body
    assert "leerling" not in message.subject + message.body
    assert QUESTION not in message.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [
        {"email": "geen-adres"},
        {"name": "  "},
        {"question": ""},
        {"region": "atlantis"},
        {"question": "x" * 5001},
    ],
)
def test_submit_rejects_bad_input_and_saves_nothing(
    overrides, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        _submit(**overrides)
    assert ConsultRequest.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_no_mail_when_transaction_rolls_back(django_capture_on_commit_callbacks) -> None:
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                _submit()
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert callbacks == []
    assert ConsultRequest.objects.count() == 0
    assert mail.outbox == []


def test_service_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        consult_request_submit("a", "b", "c@d.example", "", "leuven", "vraag")  # type: ignore[misc]
