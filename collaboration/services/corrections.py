"""Correcting what a person entered in a case: family members, participants' roles, goals,
actions, timeline entries and documents' titles.

One service, ``correct``, for every kind in ``CORRECTABLE``: the item is located through the
same rule as its other changes (``selectors.corrections.correctable``; anything else is "not
found" and recorded as denied), the new values are validated as when the item was added, a
correction that changes nothing is refused, and one started from an older version (someone
else corrected it in the meantime) is refused rather than overwriting unseen. The earlier
version stays readable as a ``Correction`` row; the audit record names the fields, never
their content. Retracted items and removed people are not corrected (retraction is final)."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction

from ..access import NotFoundOrNotAllowed, actor_profile, case_basis
from ..models import ActionStatus, Case, CorrectedKind, Correction, EntryKind
from ..selectors.cases import CaseAccess
from ..selectors.corrections import correctable
from ._common import audit_change, require_case_right, require_open, retraction_reason
from .notifications import Kind, notify
from .plans import check_responsible


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _not_in_future(values: dict[str, Any], _item: Any, _case: Case) -> None:
    occurred_on = values.get("occurred_on")
    if occurred_on is not None and occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("Deze datum ligt in de toekomst.")})
    if values.get("kind") == EntryKind.PHASE:
        raise ValidationError({"kind": _("Kies een soort uit de lijst.")})


def _responsible_of_service(values: dict[str, Any], item: Any, case: Case) -> None:
    """A newly chosen responsible person must qualify; the one already named stays as is
    (they may have left the case since: that is for a correction to change, not to refuse)."""
    responsible = values.get("responsible")
    if getattr(responsible, "pk", None) != item.responsible_id:
        check_responsible(case, item.organisation_id, responsible)


def _born_by_now(values: dict[str, Any], _item: Any, _case: Case) -> None:
    birth_year = values.get("birth_year")
    if birth_year and birth_year > timezone.localdate().year:
        raise ValidationError({"birth_year": _("Het geboortejaar ligt in de toekomst.")})


@dataclass(frozen=True)
class Correctable:
    """One kind of item: the fields a person entered, where it shows on the case page, and the
    rule its new values must meet beyond the model's own (as when it was added)."""

    fields: tuple[str, ...]
    anchor: str
    check: Callable[[dict[str, Any], Any, Case], None] | None = None


CORRECTABLE: dict[str, Correctable] = {
    CorrectedKind.FAMILY_MEMBER: Correctable(
        ("name", "birth_year", "family_role"), "gezin", _born_by_now
    ),
    CorrectedKind.PARTICIPANT: Correctable(("role_in_case", "task_division"), "betrokkenen"),
    CorrectedKind.GOAL: Correctable(("domain", "description"), "plan"),
    CorrectedKind.ACTION: Correctable(
        ("description", "responsible", "due_date"), "plan", _responsible_of_service
    ),
    CorrectedKind.TIMELINE_ENTRY: Correctable(
        ("kind", "occurred_on", "title", "body"), "tijdlijn", _not_in_future
    ),
    CorrectedKind.DOCUMENT: Correctable(("title",), "documenten"),
}


def _raw(item: models.Model, name: str) -> Any:
    """The stored value of a field (a related row by its id)."""
    field = item._meta.get_field(name)
    return getattr(item, field.attname)  # type: ignore[union-attr]


def _incoming(item: models.Model, name: str, value: Any) -> Any:
    field = item._meta.get_field(name)
    if field.is_relation:
        return value.pk if value is not None else None
    if value is None and not field.null:  # an empty optional text
        return ""
    return value


def display(item: models.Model, name: str) -> str:
    """A field's value as the case page shows it: names, labels and dates, not ids or codes."""
    field = item._meta.get_field(name)
    value = getattr(item, name)
    if value is None or value == "":
        return "–"
    if field.is_relation:
        return getattr(value, "full_name", None) or str(value)
    if getattr(field, "choices", None):
        return str(getattr(item, f"get_{name}_display")())
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j F Y")
    return str(value)


def version_of(item: models.Model, fields: tuple[str, ...]) -> str:
    """A short fingerprint of the item's correctable values: the version a form started from."""
    raw = {name: _raw(item, name) for name in fields}
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()
    return digest[:16]


def item_version(kind: str, item: models.Model) -> str:
    return version_of(item, CORRECTABLE[kind].fields)


def correct(
    *,
    actor: Any,
    case: Case,
    kind: str,
    object_id: int,
    values: dict[str, Any],
    reason: str,
    version: str = "",
) -> Correction:
    """Correct one item; ``values`` holds every correctable field of its kind (unchanged ones
    too, as the form sends them), ``version`` the ``item_version`` the form was shown."""
    spec = CORRECTABLE.get(kind)
    profile = actor_profile(actor)
    basis = case_basis(profile, case)
    item = None
    if spec is not None and basis is not None:
        item = correctable(CaseAccess(case=case, basis=basis, profile=profile), kind, object_id)
    profile, basis = require_case_right(
        actor=actor, case=case, check=lambda _b: item is not None, what=f"correct_{kind}"
    )
    if spec is None or item is None:  # refused above; for the type checker
        raise NotFoundOrNotAllowed
    require_open(case)
    reason = retraction_reason(reason)
    values = {name: _stripped(values.get(name)) for name in spec.fields}
    if spec.check is not None:
        spec.check(values, item, case)
    with transaction.atomic():
        locked = type(item)._default_manager.select_for_update().get(pk=item.pk)
        if (
            getattr(locked, "retracted_at", None)
            or getattr(locked, "removed_at", None)
            or getattr(locked, "status", None) == ActionStatus.CARRIED_OVER
        ):
            raise NotFoundOrNotAllowed  # retracted, removed or carried over in the meantime
        if version and version != version_of(locked, spec.fields):
            raise ValidationError(
                _(
                    "Dit item is intussen gecorrigeerd (door iemand anders of in een ander "
                    "venster). Bekijk de nieuwe versie en corrigeer opnieuw als dat nog nodig is."
                )
            )
        changed = [n for n in spec.fields if _raw(locked, n) != _incoming(locked, n, values[n])]
        if not changed:
            raise ValidationError(_("Er is niets gewijzigd: pas minstens één veld aan."))
        # the history reads as the case page did, in the portal's language (nl-BE)
        with translation.override(settings.LANGUAGE_CODE):
            before = {name: display(locked, name) for name in changed}
        for name in changed:
            value = values[name]
            field = locked._meta.get_field(name)
            setattr(locked, name, "" if value is None and not field.null else value)
        locked.clean_fields(exclude=[f.name for f in locked._meta.fields if f.name not in changed])
        locked.save(update_fields=changed)
        with translation.override(settings.LANGUAGE_CODE):
            changes = [
                {
                    "field": name,
                    "label": str(getattr(locked._meta.get_field(name), "verbose_name", name)),
                    "before": before[name],
                    "after": display(locked, name),
                }
                for name in changed
            ]
        correction = Correction.objects.create(
            case=case,
            kind=kind,
            object_id=locked.pk,
            changes=changes,
            reason=reason,
            corrected_by=actor,
            corrected_by_organisation=profile.label[:200],
        )
        audit_change(
            action=AuditAction.CASE_ITEM_CORRECTED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type=kind,
            object_id=locked.pk,
            extra={"change": "correction", "fields": changed, "correction": correction.pk},
        )
        _notify_new_responsible(kind, locked, changed, actor, case)
    return correction


def _notify_new_responsible(
    kind: str, item: Any, changed: list[str], actor: Any, case: Case
) -> None:
    """A person newly named responsible for an action hears of it (after commit, no content)."""
    if kind != CorrectedKind.ACTION or "responsible" not in changed:
        return
    if item.responsible_id is None or item.responsible_id == actor.pk:
        return
    notify(
        user=item.responsible,
        kind=Kind.ASSIGNMENT,
        link=reverse("collaboration:case_detail", args=[case.reference]),
        case_reference=case.reference,
    )
