"""The public agenda as one list: the agenda's events and the training and peer-support sessions
that can be booked, by date (issue 16, item 2).

An event linked to a session (``EventPage.booking_session``) is that session's entry: it takes
the session's time and links to its booking page, and the session is not listed again. Every
other upcoming session is an entry of its own. Two queries whatever the number of entries (the
events, then the sessions).

Nothing here reads a session's private address: the agenda shows the public ``location``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from content.models import EventPage
    from content.training.models import TrainingSession


@dataclass(frozen=True)
class AgendaEntry:
    title: str
    kind_label: str
    start: datetime
    end: datetime
    location: str
    summary: str
    page: EventPage | None  # the agenda's own page, if any
    session: TrainingSession | None  # what can be booked, if anything

    @property
    def bookable(self) -> bool:
        session = self.session
        return (
            session is not None and session.registration_open and session.starts_at > timezone.now()
        )

    @property
    def announces_address(self) -> bool:
        """The place is sent to registered people only (the page says so, never the address)."""
        return self.session is not None and bool(self.session.private_address.strip())


def _entry_for_event(event: EventPage, session: TrainingSession | None) -> AgendaEntry:
    return AgendaEntry(
        title=event.title,
        kind_label=event.get_kind_display(),
        start=session.starts_at if session else event.start,
        end=session.ends_at if session else event.end,
        location=event.location,
        summary=event.summary,
        page=event,
        session=session,
    )


def _entry_for_session(session: TrainingSession) -> AgendaEntry:
    return AgendaEntry(
        title=session.title,
        kind_label=session.get_kind_display(),
        start=session.starts_at,
        end=session.ends_at,
        location=session.location,
        summary=session.description,
        page=None,
        session=session,
    )


def agenda_entries(events: Iterable[EventPage]) -> list[AgendaEntry]:
    """The agenda's upcoming events and every upcoming session, each once, by start."""
    from content.training.selectors import upcoming_sessions

    sessions: dict[int, Any] = {session.pk: session for session in upcoming_sessions()}
    linked: set[int] = set()
    entries: list[AgendaEntry] = []
    for event in events:
        if event.booking_session_id is not None:
            linked.add(event.booking_session_id)
        entries.append(_entry_for_event(event, sessions.get(event.booking_session_id or 0)))
    entries += [_entry_for_session(s) for pk, s in sessions.items() if pk not in linked]
    entries.sort(key=lambda entry: (entry.start, entry.title))
    return entries


def booking_for(event: EventPage) -> AgendaEntry | None:
    """The event's booking (its linked session, if it is still to come), for its page."""
    if event.booking_session_id is None:
        return None
    from content.training.selectors import session_detail

    session = session_detail(event.booking_session_id)
    if session is None or session.ends_at <= timezone.now():
        return None
    return _entry_for_event(event, session)
