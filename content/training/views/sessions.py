"""Sessions: list, detail with registration, iCal, manage by link, attendance for coordinators.

Professional sessions need a (verified) learner account, so attendance counts towards their
hours. Peer-support sessions need no account: a first name or pseudonym and an e-mail address.
Their form has the consult form's defences (honeypot, time stamp: ``HumanCheckForm``) and rate
limits per client address and per session (``portal.security.rate_limit``), so one script cannot
take every place; and its answer is the same whether or not the address was registered before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.audit.events import AuditAction
from portal.audit.writer import record_event
from portal.security.client_address import client_address
from portal.security.rate_limit import over_limit

from ..forms import AttendanceForm, SessionRegistrationForm
from ..ical import session_ical
from ..nav import public_nav
from ..selectors import (
    attendees_for_coordinator,
    is_training_coordinator,
    public_agenda_url,
    session_detail,
    session_for_ical,
    session_registrations,
    upcoming_sessions,
)
from ..services.learning import TrainingError
from ..services.sessions import (
    attendance_record,
    registration_accept_offer,
    registration_cancel,
    registration_create,
    registration_from_token,
)
from ..vocabulary import RegistrationStatus

if TYPE_CHECKING:
    from ..models import TrainingSession

# Peer-support registrations: per client address, and per session a share of its places, in
# a window (override with the setting TRAINING_REGISTRATION_LIMITS).
REGISTRATION_LIMITS = {
    "per_address": 5,
    "address_window_seconds": 60 * 60,
    "session_share": 0.25,
    "session_minimum": 3,
    "session_window_seconds": 15 * 60,
}


def _limits() -> dict[str, float]:
    return {**REGISTRATION_LIMITS, **getattr(settings, "TRAINING_REGISTRATION_LIMITS", {})}


def registration_rate_limited(request: HttpRequest, session: TrainingSession) -> bool:
    """Count a peer-support registration; True once its address, or the session, is over its
    limit. Counted before the address is looked at, so a refusal tells nothing about it; an
    address over its own limit no longer counts against the session (one address cannot close
    a session for everyone)."""
    limits = _limits()
    address = client_address(request) or "unknown"
    if over_limit(
        f"training:registration-rate:address:{address}",
        limit=int(limits["per_address"]),
        window_seconds=int(limits["address_window_seconds"]),
    ):
        return True
    per_session = max(
        int(limits["session_minimum"]), int(session.capacity * limits["session_share"])
    )
    return over_limit(
        f"training:registration-rate:session:{session.pk}",
        limit=per_session,
        window_seconds=int(limits["session_window_seconds"]),
    )


def _open(session: TrainingSession) -> bool:
    """Whether registration is open now (the service checks again under the session lock)."""
    return session.registration_open and session.starts_at > timezone.now()


def session_list(request: HttpRequest) -> HttpResponse:
    """The public agenda lists every session with the agenda's events (one list,
    ``content.agenda``); this list is only for a site without an agenda page."""
    agenda = public_agenda_url()
    if agenda:
        return redirect(agenda)
    return render(
        request,
        "training/session_list.html",
        {"sessions": list(upcoming_sessions()), **public_nav()},
    )


def _register_peer_support(
    request: HttpRequest, session: TrainingSession, form: SessionRegistrationForm
) -> HttpResponse | None:
    """Rate limits first (counted before the address is looked at), then the registration as a
    background task: a new and a known address cost the request the same and get the same page;
    the e-mail tells the mailbox owner the rest. None: the form shows its error."""
    if registration_rate_limited(request, session):
        form.add_error(
            None,
            _(
                "Er kwamen net veel inschrijvingen binnen. Probeer het binnen een kwartier "
                "opnieuw, of neem contact met ons op."
            ),
        )
        return None
    if not _open(session):
        form.add_error(None, _("De inschrijving voor deze sessie is gesloten."))
        return None
    from ..tasks import register_for_peer_support

    register_for_peer_support.enqueue(
        session.pk, form.cleaned_data["display_name"], form.cleaned_data["email"]
    )
    return render(
        request, "training/registration_done.html", {"session": session, "registration": None}
    )


def _register_account(
    request: HttpRequest, session: TrainingSession, form: SessionRegistrationForm
) -> HttpResponse | None:
    """A professional session, for the signed-in learner's own account."""
    user = request.user
    try:
        registration = registration_create(
            session_id=session.pk,
            display_name=form.cleaned_data["display_name"],
            email=user.email,
            user=user,
        )
    except TrainingError as error:
        form.add_error(None, error.message)
        return None
    return render(
        request,
        "training/registration_done.html",
        {"session": session, "registration": registration},
    )


@never_cache
def session_view(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_detail(session_id)
    if session is None:
        raise Http404
    user = request.user
    needs_account = not session.is_peer_support
    if (
        needs_account
        and user.is_authenticated
        and user.origin == user.Origin.SIGNUP
        and user.email_verified_at is None
    ):
        return redirect("accounts:signup_check_email")
    initial = {}
    if needs_account and user.is_authenticated:
        initial = {"display_name": user.full_name, "email": user.email}
    form = SessionRegistrationForm(
        request.POST or None, initial=initial, peer_support=session.is_peer_support
    )
    if request.method == "POST":
        if needs_account and not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            register = _register_peer_support if session.is_peer_support else _register_account
            done = register(request, session, form)
            if done is not None:
                return done
        return render(
            request,
            "training/session_detail.html",
            {
                "session": session,
                "form": form,
                "is_coordinator": is_training_coordinator(user),
                **public_nav(),
            },
            status=400,
        )
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "form": form,
            "is_coordinator": is_training_coordinator(user),
            **public_nav(),
        },
    )


def session_ical_view(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_for_ical(session_id)
    if session is None:
        raise Http404
    response = HttpResponse(
        session_ical(session, request=request), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="veilig-huis-{session.pk}.ics"'
    return response


@never_cache
def registration_manage(request: HttpRequest, token: str) -> HttpResponse:
    """Open from the e-mailed link, no login: see the registration, cancel it, or take an
    offered place. Changes only on POST (mail scanners follow GET links)."""
    registration = registration_from_token(token)
    if registration is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel":
            registration = registration_cancel(registration=registration)
            messages.success(request, _("Uw inschrijving is geannuleerd."))
        elif action == "accept":
            registration = registration_accept_offer(registration=registration)
            if registration.status == RegistrationStatus.CONFIRMED:
                messages.success(request, _("Uw plaats is bevestigd."))
            else:
                messages.error(request, _("Dit aanbod is verlopen."))
        return redirect("training:registration_manage", token=token)
    response = render(
        request,
        "training/registration_manage.html",
        {"registration": registration, "session": registration.session},
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
def session_attendees(request: HttpRequest, session_id: int) -> HttpResponse:
    """Coordinators only (verified with a second factor): the list and attendance."""
    user = request.user
    session = None
    if user.is_authenticated and user.is_verified():
        session = attendees_for_coordinator(user=user, session_id=session_id)
    if session is None:
        raise Http404
    registrations = session_registrations(session)
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    initial = {"present": [r.pk for r in confirmed if r.attended]}
    form = AttendanceForm(request.POST or None, registrations=confirmed, initial=initial)
    if request.method == "POST" and form.is_valid():
        count = attendance_record(session=session, present_ids=set(form.cleaned_data["present"]))
        messages.success(request, _("Aanwezigheid bewaard: %(count)s aanwezig.") % {"count": count})
        return redirect("training:session_attendees", session_id=session.pk)
    record_event(
        action=AuditAction.TRAINING_REPORT_VIEWED,
        actor=user,
        object_type="training_session_attendees",
        object_id=session.pk,
        purpose="attendance",
        extra={"registrations": len(registrations), "peer_support": session.is_peer_support},
    )
    return render(
        request,
        "training/session_attendees.html",
        {"session": session, "registrations": registrations, "form": form},
        status=400 if request.method == "POST" else 200,
    )
