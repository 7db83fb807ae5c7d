"""Django, in the proof runner's own process, against the private database: verified sessions,
the demo meeting, the merged notes document, task results, record counts.

Call ``setup(stack)`` once, after the stack is up; every other function is synchronous ORM
code and must run outside an event loop (or through ``asyncio.to_thread``).
"""

from __future__ import annotations

import os
import time
from typing import Any

from .infra import Stack

_ready = False


def setup(stack: Stack) -> None:
    global _ready
    if _ready:
        return
    env = stack.env()
    for key in (
        "DJANGO_SETTINGS_MODULE",
        "DEBUG",
        "SECRET_KEY",
        "OPEN_BADGES_SIGNING_KEY",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "DATABASE_URL",
        "REDIS_URL",
        "STATIC_ROOT",
        "MEDIA_ROOT",
        "SECURE_SSL_REDIRECT",
        "EMAIL_BACKEND",
        "LOG_LEVEL",
    ):
        os.environ[key] = env[key]
    import django

    django.setup()
    # This runner calls the ORM from short-lived threads (asyncio.to_thread in each proof). A
    # pooled connection goes back only through close(), and a thread's connection is never
    # closed when the thread ends: pooled, every proof kept some, until the runner's pool ran dry
    # and the next proof waited DB_POOL_TIMEOUT for nothing (CI, 2026-12-04). Plain connections
    # close when their thread's wrapper is collected. Only this process: the servers' environment
    # (Stack.env) is untouched and keeps its pool.
    from django.db import connections

    connections.settings["default"].get("OPTIONS", {}).pop("pool", None)
    _ready = True


def reconnect() -> None:
    """Drop this process's database connections (after the private PostgreSQL restarted)."""
    from django.db import connections

    for conn in connections.all():
        conn.close_if_unusable_or_obsolete()
        conn.close()


def session_cookie_name() -> str:
    from django.conf import settings

    return settings.SESSION_COOKIE_NAME


def csrf_cookie_name() -> str:
    from django.conf import settings

    return settings.CSRF_COOKIE_NAME


def verified_session(email: str) -> str:
    """A session as the two-step sign-in leaves it: user, backend, hash, verified device, clocks."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.accounts.models import User
    from portal.security.sessions import AUTH_AT_KEY, SEEN_AT_KEY

    user = User.objects.get(email=email)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise RuntimeError(f"{email} has no confirmed TOTP device")
    session = SessionStore()
    now = int(time.time())
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[AUTH_AT_KEY] = now
    session[SEEN_AT_KEY] = now
    session.create()
    return session.session_key


def live_meeting() -> dict[str, Any]:
    """The demo's open network meeting, and its editors (each with the acknowledgement done)."""
    from collaboration.live_notes.models import Acknowledgement
    from collaboration.models import Meeting, MeetingStatus
    from collaboration.selectors.meetings import meeting_access
    from portal.accounts.models import User

    meeting = (
        Meeting.objects.exclude(status=MeetingStatus.FINALISED)
        .select_related("case")
        .order_by("id")
        .first()
    )
    if meeting is None:
        raise RuntimeError("the demo has no open meeting")
    editors = []
    candidates = [meeting.case.case_director, *meeting.invitees.all()]
    for user in candidates:
        if user is None or user.email in editors:
            continue
        try:
            access = meeting_access(user=user, meeting_id=meeting.pk, purpose="proof")
        except Exception:  # noqa: S112 - not a participant after all
            continue
        if not access.can_edit:
            continue
        Acknowledgement.objects.get_or_create(meeting=meeting, user=user)
        editors.append(user.email)
    if not editors:
        raise RuntimeError("no editor for the demo meeting")
    if User.objects.filter(email__in=editors).count() != len(editors):
        raise RuntimeError("an editor is missing")
    return {"id": meeting.pk, "editors": editors, "case": meeting.case.reference}


def stored_text(meeting_id: int) -> str:
    """The notes as the database holds them (snapshot merged with every pending update)."""
    from collaboration.live_notes import document

    return document.plain_text(document.stored_update(meeting_id))


def stored_counts(meeting_id: int) -> dict[str, int]:
    from collaboration.live_notes.models import LiveConnection, NoteSnapshot, NoteUpdate

    return {
        "updates": NoteUpdate.objects.filter(meeting_id=meeting_id).count(),
        "pending": NoteUpdate.objects.filter(meeting_id=meeting_id, snapshot__isnull=True).count(),
        "snapshots": NoteSnapshot.objects.filter(meeting_id=meeting_id).count(),
        "live_connections": LiveConnection.objects.filter(meeting_id=meeting_id).count(),
    }


# --- background tasks --------------------------------------------------------------------


def enqueue_proof_tasks(count: int, seconds: float, log: str) -> list[str]:
    from .tasks import proof_task

    return [str(proof_task.enqueue(number=n, seconds=seconds, log=log).id) for n in range(count)]


def task_statuses(ids: list[str]) -> dict[str, str]:
    from django_tasks_db.models import DBTaskResult

    return {
        str(pk): status
        for pk, status in DBTaskResult.objects.filter(pk__in=ids).values_list("id", "status")
    }


def proof_task_runs(log: str) -> dict[int, int]:
    """How often each proof task's body ran (the task appends to a file per run)."""
    from .tasks import runs

    return dict(runs(log))


# --- records for the double-submission check --------------------------------------------


def consult_count(marker: str) -> int:
    from collaboration.models import ConsultRequest

    return ConsultRequest.objects.filter(question__contains=marker).count()


def referral_count(marker: str) -> int:
    from collaboration.models import Referral

    return Referral.objects.filter(family_composition__contains=marker).count()


def public_paths(limit: int = 6) -> list[str]:
    """Some live, public Wagtail pages (home first), as the visitor requests them."""
    from wagtail.models import Page

    paths: list[str] = []
    for page in Page.objects.live().public().filter(depth__gte=2).order_by("path")[:40]:
        url = page.get_url()
        if url and url.startswith("/") and url not in paths:
            paths.append(url)
        if len(paths) >= limit:
            break
    return paths


def consult_page_path() -> str:
    from content.models.consult import ConsultPage

    page = ConsultPage.objects.live().order_by("path").first()
    if page is None:
        raise RuntimeError("the demo has no consult page")
    return page.get_url()


def load_meetings(count: int) -> list[int]:
    """``count`` open meetings of the demo's active case for the load proof: the demo meeting and
    ``count - 1`` more like it (same case, invitees, acknowledgements; empty notes)."""
    import datetime

    from django.utils import timezone

    from collaboration.live_notes.models import Acknowledgement
    from collaboration.models import Meeting

    first = live_meeting()
    meeting = Meeting.objects.get(pk=first["id"])
    ids = [meeting.pk]
    invitees = list(meeting.invitees.all())
    for n in range(1, count):
        extra = Meeting.objects.create(
            case=meeting.case,
            kind=meeting.kind,
            starts_at=timezone.now() + datetime.timedelta(minutes=n),
            place=f"Proefzaal {n} (fictief)",
            created_by=meeting.created_by,
        )
        extra.invitees.set(invitees)
        ids.append(extra.pk)
    from portal.accounts.models import User

    for user in User.objects.filter(email__in=first["editors"]):
        for pk in ids:
            Acknowledgement.objects.get_or_create(meeting_id=pk, user=user)
    return ids
