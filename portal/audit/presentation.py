"""Audit events as people read them: who (name and organisation, not an e-mail address), what
(the action and its object in words), the outcome, and the technical details on request.

Used by the audit viewer, its CSV export and the case audit page. Everything a page needs is
resolved for the whole page in a fixed number of queries (``objects.object_labels`` and one
query for the organisations of people whose event carries none, such as a sign-in).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from portal.organisations.models import Membership

from . import labels
from .models import AuditEvent
from .objects import object_labels, words_for_object
from .selectors import EventGroup

# NEN 7513 fields another part of the portal may add to AuditEvent; shown when present.
# An emergency flag is shown only when set (on every other row it would be noise).
OPTIONAL_DETAIL_FIELDS = (
    "access_rule",
    "legal_basis",
    "lifecycle",
    "sensitivity",
    "emergency",
    "source_system",
    "site",
)


@dataclass
class EventRow:
    """One line of the viewer: an event, or a run of the same read with its count."""

    group: EventGroup
    who_name: str
    who_organisation: str
    action: str
    object: str
    outcome: str
    denied: bool
    details: list[tuple[str, str]] = field(default_factory=list)

    @property
    def event(self) -> AuditEvent:
        return self.group.event

    @property
    def count(self) -> int:
        return self.group.count

    @property
    def first_at(self) -> dt.datetime:
        return self.group.first_at

    @property
    def last_at(self) -> dt.datetime:
        return self.group.last_at

    @property
    def what(self) -> str:
        """The action and its object as one sentence, e.g. "Dossier bekeken: Dossier VH-…"."""
        return f"{self.action}: {self.object}" if self.object else self.action


def _current_organisations(actor_ids: set[int]) -> dict[int, str]:
    """Organisation names of people, from their active memberships: one query."""
    if not actor_ids:
        return {}
    names: dict[int, set[str]] = defaultdict(set)
    rows = Membership.objects.filter(
        user_id__in=actor_ids, is_active=True, organisation__is_active=True
    ).values_list("user_id", "organisation__name")
    for user_id, name in rows:
        names[user_id].add(name)
    return {user_id: ", ".join(sorted(found)) for user_id, found in names.items()}


def person_name(event: AuditEvent) -> str:
    if event.actor is not None:
        return (event.actor.full_name or "").strip() or _("een persoon zonder naam")
    if event.actor_label:
        return _("onbekend account")
    return _("het portaal zelf")


def _details(event: AuditEvent, group: EventGroup) -> list[tuple[str, str]]:
    details: list[tuple[str, str]] = []

    def add(label: str, value: Any) -> None:
        if value not in (None, ""):
            details.append((label, str(value)))

    add(_("Grond of rol"), labels.words_for_role(event.role))
    add(_("Doel of verantwoording"), labels.words_for_purpose(event.purpose))
    add(_("Dossier"), event.case_reference)
    add(_("Namens"), event.on_behalf_of)
    if event.actor_id is None:
        # No account behind it (a failed sign-in): the typed name is the only trace. People
        # with an account are known by name and organisation, not by their e-mail address.
        add(_("Ingegeven aanmeldnaam"), event.actor_label)
    for name in OPTIONAL_DETAIL_FIELDS:
        if hasattr(event, name):
            field_ = AuditEvent._meta.get_field(name)
            value = getattr(event, name)
            display = getattr(event, f"get_{name}_display", None)
            if isinstance(value, bool):
                value = _("ja") if value else None
            elif callable(display):
                value = display()
            add(str(getattr(field_, "verbose_name", name)).capitalize(), value)
    add(_("Adres"), event.ip_address)
    add(_("Sessie"), event.session_ref)
    add(_("Correlatie-id"), event.correlation_id)
    numbers = ", ".join(str(e.pk) for e in group.events)
    add(_("Gebeurtenisnummer") if group.count == 1 else _("Gebeurtenisnummers"), numbers)
    return details


def describe(groups: Sequence[EventGroup]) -> list[EventRow]:
    """Rows for ``groups`` (newest first), with every label resolved for the page at once."""
    events = [group.event for group in groups]
    found = object_labels(events)
    missing = {e.actor_id for e in events if e.actor_id is not None and not e.organisation}
    organisations = _current_organisations(missing)
    rows = []
    for group in groups:
        event = group.event
        organisation = event.organisation or organisations.get(event.actor_id or 0, "")
        rows.append(
            EventRow(
                group=group,
                who_name=person_name(event),
                who_organisation=organisation,
                action=labels.words_for_action(event.action),
                object=words_for_object(event, found),
                outcome=labels.words_for_outcome(event.outcome),
                denied=event.outcome != "allowed",
                details=_details(event, group),
            )
        )
    return rows


def describe_events(events: Iterable[AuditEvent]) -> list[EventRow]:
    """Rows for single events (no grouping), for the CSV export."""
    return describe([EventGroup([event]) for event in events])
