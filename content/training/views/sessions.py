"""Sessions: list, detail with registration, iCal, manage by link, attendance for coordinators.

Professional sessions need a (verified) learner account, so attendance counts towards their
hours. Peer-support sessions need no account: a first name or pseudonym and an e-mail address.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.audit.events import AuditAction
from portal.audit.writer import record_event

from ..forms import AttendanceForm, SessionRegistrationForm
from ..ical import session_ical
from ..models import RegistrationStatus, TrainingSession
from ..nav import public_nav
from ..selectors import (
    attendees_for_coordinator,
    is_training_coordinator,
    session_detail,
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


def session_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "training/session_list.html",
        {"sessions": list(upcoming_sessions()), **public_nav()},
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
            email = user.email if needs_account else form.cleaned_data["email"]
            try:
                registration = registration_create(
                    session_id=session.pk,
                    display_name=form.cleaned_data["display_name"],
                    email=email,
                    user=user if needs_account else None,
                )
            except TrainingError as error:
                form.add_error(None, error.message)
            else:
                return render(
                    request,
                    "training/registration_done.html",
                    {"session": session, "registration": registration},
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
    session = TrainingSession.objects.filter(pk=session_id).first()
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
    registrations = list(session.registrations.order_by("created_at", "id"))
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
