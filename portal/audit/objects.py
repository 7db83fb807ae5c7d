"""The things audit events are about, in words: "Dossier VH-OVL-2026-0002", "Netwerkoverleg
12 december", "Tweestapsapparaat van Pia Privacy".

An event stores a kind (``object_type``) and an id. Labels are resolved for a whole page at once:
one query per kind present on the page (none for kinds that need none), never one per row.
The ground floor names its own things (accounts, memberships, invitations, devices); each side
names the kinds it holds (a case, a meeting, a training session) through ``register_resolver``
from its ``AppConfig.ready()``, so the ground floor imports no side of the portal. A thing that no longer exists (a removed device, an anonymised case) falls back to its
kind's word, and for a case to the reference the event itself carries.

Case content never appears here: a goal, a timeline entry or a document is named by its kind
and date, not by its title or text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import labels
from .models import AuditEvent

ObjectKey = tuple[str, str]
Resolver = Callable[[set[str]], dict[str, str]]


def _model(label: str) -> type[Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _int_ids(ids: Iterable[str]) -> set[int]:
    return {int(i) for i in ids if i.isdigit()}


def day(moment: Any) -> str:
    """A date as people say it: "12 december", with the year when it is not this year's."""
    local = timezone.localtime(moment) if hasattr(moment, "tzinfo") and moment.tzinfo else moment
    this_year = timezone.localdate().year
    return formats.date_format(local, "j F" if local.year == this_year else "j F Y")


def words_by_pk(
    model: type[Model] | str, ids: set[str], words: Callable[[Any], str], **related: Any
) -> dict[str, str]:
    """``words(obj)`` for each object of ``model`` (a class, or a label looked up in the app
    registry) among ``ids``, keyed by the id as the event stores it; one query."""
    found = _model(model) if isinstance(model, str) else model
    if found is None:
        return {}
    query = found._default_manager.filter(pk__in=_int_ids(ids))
    if related.get("select"):
        query = query.select_related(*related["select"])
    return {str(obj.pk): words(obj) for obj in query}


def name_of(user: Any) -> str:
    return (getattr(user, "full_name", "") or "").strip() or _("een persoon zonder naam")


def _users(ids: set[str]) -> dict[str, str]:
    return words_by_pk(
        "accounts.User", ids, lambda u: _("Account van %(name)s") % {"name": name_of(u)}
    )


def _memberships(ids: set[str]) -> dict[str, str]:
    return words_by_pk(
        "organisations.Membership",
        ids,
        lambda m: (
            _("Lidmaatschap van %(name)s bij %(organisation)s")
            % {"name": name_of(m.user), "organisation": m.organisation.name}
        ),
        select=("user", "organisation"),
    )


def _invitations(ids: set[str]) -> dict[str, str]:
    return words_by_pk(
        "organisations.Invitation",
        ids,
        lambda i: (
            _("Uitnodiging als %(role)s bij %(organisation)s")
            % {"role": labels.words_for_role(i.role), "organisation": i.organisation.name}
        ),
        select=("organisation",),
    )


def _training_reports(ids: set[str]) -> dict[str, str]:
    return words_by_pk(
        "organisations.Organisation",
        ids,
        lambda o: _("Vormingsrapport van %(organisation)s") % {"organisation": o.name},
    )


def _devices(ids: set[str]) -> dict[str, str]:
    """Ids look like ``otp_totp.totpdevice/4`` (django-otp's persistent id)."""
    by_model: dict[str, set[str]] = defaultdict(set)
    for persistent_id in ids:
        model_label, _sep, pk = persistent_id.rpartition("/")
        by_model[model_label].add(pk)
    found: dict[str, str] = {}
    for model_label, pks in by_model.items():
        model = _model(model_label)
        if model is None:
            continue
        for device in model._default_manager.filter(pk__in=_int_ids(pks)).select_related("user"):
            found[f"{model_label}/{device.pk}"] = _device_words(
                model_label, name_of(getattr(device, "user", None))
            )
    return found


def _device_words(model_label: str, name: str) -> str:
    if model_label.endswith("staticdevice"):
        return _("Reservecodes van %(name)s") % {"name": name}
    return _("Tweestapsapparaat van %(name)s") % {"name": name}


def _numbered(word: str) -> Resolver:
    """Kinds whose number is the only safe handle (a referral or a consult carries case
    content; its number is what the people involved use)."""

    def resolve(ids: set[str]) -> dict[str, str]:
        return {i: _("%(word)s nr. %(id)s") % {"word": word, "id": i} for i in ids}

    return resolve


# The ground floor's own kinds; each side adds the kinds of its things (``register_resolver``).
RESOLVERS: dict[str, Resolver] = {
    "user": _users,
    "membership": _memberships,
    "invitation": _invitations,
    "training_report": _training_reports,
    "device": _devices,
}


def register_resolver(kind: str, resolver: Resolver) -> None:
    """Called from a side's ``AppConfig.ready()`` for the kinds of things it holds (a case, a
    meeting ...): the ground floor imports no side, so the side names its own things."""
    RESOLVERS[kind] = resolver


NUMBERED = ("referral", "consult", "subject_access_request", "rectification_request")


def object_labels(events: Iterable[AuditEvent]) -> dict[ObjectKey, str]:
    """Words for the object of each event, keyed by (kind, id); one query per kind at most."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_id and (event.object_type in RESOLVERS or event.object_type in NUMBERED):
            # A case event names its case by the reference it carries: no query.
            if event.object_type == "case" and event.case_reference:
                continue
            wanted[event.object_type].add(event.object_id)
    found: dict[ObjectKey, str] = {}
    for kind, ids in wanted.items():
        resolver = RESOLVERS.get(kind) or _numbered(str(labels.OBJECT_TYPE_LABELS[kind]))
        for object_id, words in resolver(ids).items():
            found[(kind, object_id)] = words
    return found


def words_for_object(event: AuditEvent, found: Mapping[ObjectKey, str]) -> str:
    """The event's object in words, from ``found`` (see ``object_labels``) or its kind."""
    kind = event.object_type
    if kind == "case" and event.case_reference:
        return _("Dossier %(reference)s") % {"reference": event.case_reference}
    if kind == "case_audit_trail" and event.case_reference:
        return _("Audittrail van dossier %(reference)s") % {"reference": event.case_reference}
    if (kind, event.object_id) in found:
        return found[(kind, event.object_id)]
    if kind == "device" and event.actor is not None:
        # The device is gone (removed); its owner is the person who acted.
        return _device_words(event.object_id.rpartition("/")[0], name_of(event.actor))
    if not kind:
        return ""
    label = labels.object_type_label(kind)
    return str(label) if label is not None else labels.unknown_code(kind)
