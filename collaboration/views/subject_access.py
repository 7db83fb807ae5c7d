"""The subject-access pages of the audit area (/audit/inzage/): register a request, assemble,
decide on held police and justice items, release by a second officer, download; and the
person's rectification and restriction requests.

Only privacy officers of the request's region see a request; anyone else (an officer of another
region included) gets the "not found" a missing request gets, recorded. The rules live in
``collaboration.subject_access``; these views only translate forms and errors. They are mounted
under /audit/ in the ``audit`` namespace (``collaboration/urls_audit_area.py``, wired in
``portal/urls.py``), so the second-factor gate guards them as it guards the whole audit area.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.audit.events import AuditAction
from portal.audit.writer import record_event

from ..choices import HeldDecision, RectificationStatus, SubjectAccessStatus
from ..forms_subject_access import (
    DecisionForm,
    FindCaseForm,
    FindProfessionalForm,
    HandleRectificationForm,
    LiftForm,
    RectificationForm,
    RegisterForm,
    ReleaseForm,
    RestrictionForm,
)
from ..subject_access import rights, selectors, services

if TYPE_CHECKING:  # annotations only; rows come from the selectors
    from ..models import SubjectAccessRequest, TimelineEntry

# A service's field names that a form calls differently.
ALIASES = {"annotation": "text", "reason": "text", "timeline_entry": "target"}


def _apply_errors(form: Any, error: ValidationError) -> None:
    """Put a service's errors on the form's fields where they name one, else above it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            if field not in form.fields:
                field = ALIASES.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _deadline_text(sar: SubjectAccessRequest) -> str:
    if sar.is_released:
        return _("Beantwoord")
    days = sar.days_left(timezone.localdate())
    if days > 1:
        return _("Nog %(days)s dagen") % {"days": days}
    if days == 1:
        return _("Morgen")
    if days == 0:
        return _("Vandaag")
    return _("%(days)s dagen over tijd") % {"days": -days}


def subject_access_list(request: HttpRequest) -> HttpResponse:
    services.require_officer(request.user)
    open_requests, released = selectors.requests_page_for(request.user)
    record_event(
        action=AuditAction.SUBJECT_ACCESS_VIEWED,
        actor=request.user,
        object_type="subject_access_list",
        extra={"shown": [sar.pk for sar in open_requests + released]},
    )
    for sar in open_requests + released:
        sar.deadline_text = _deadline_text(sar)
    return render(
        request,
        "audit/subject_access/list.html",
        {"open_requests": open_requests, "released": released},
    )


@require_http_methods(["GET", "POST"])
def subject_access_new(request: HttpRequest) -> HttpResponse:
    """Step 1 finds the person (a case by its reference, or a professional by e-mail); step 2
    registers the request for them."""
    services.require_officer(request.user, AuditAction.SUBJECT_ACCESS_REGISTERED)
    source = request.POST if request.method == "POST" else request.GET
    find_case = FindCaseForm(source if "dossier" in source else None)
    find_professional = FindProfessionalForm(source if "professional" in source else None)
    case = professional = None
    region = ""
    if find_case.is_bound and find_case.is_valid():
        try:
            case = services.case_for_officer(
                actor=request.user, reference=find_case.cleaned_data["dossier"]
            )
        except ValidationError as error:
            find_case.add_error("dossier", error.message_dict["reference"])
    elif find_professional.is_bound and find_professional.is_valid():
        try:
            professional, region = services.professional_for_officer(
                actor=request.user, email=find_professional.cleaned_data["professional"]
            )
        except ValidationError as error:
            find_professional.add_error("professional", error.message_dict["email"])
    if case is None and professional is None:
        status = 400 if find_case.errors or find_professional.errors else 200
        return render(
            request,
            "audit/subject_access/find.html",
            {"find_case": find_case, "find_professional": find_professional},
            status=status,
        )

    members = selectors.family_members_of(case) if case is not None else None
    form = RegisterForm(request.POST if request.method == "POST" else None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = selectors.family_member_of(case, data["member"]) if case else None
        try:
            sar = services.subject_access_register(
                actor=request.user,
                requester_name=data["requester_name"],
                requester_relation=data["requester_relation"],
                identity_checked_by=data["identity_checked_by"],
                identity_check=data["identity_check"],
                identity_note=data["identity_note"],
                received_on=data["received_on"],
                family_member=member,
                subject_user=professional,
                region=region,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Het verzoek is geregistreerd. Het moet uiterlijk op %(deadline)s beantwoord zijn."
                )
                % {"deadline": date_format(sar.deadline, "j F Y")},
            )
            return HttpResponseRedirect(reverse("audit:subject_access_detail", args=[sar.pk]))
    return render(
        request,
        "audit/subject_access/register.html",
        {
            "form": form,
            "case": case,
            "professional": professional,
            "hidden": {"dossier": case.reference} if case else {"professional": professional.email},
        },
        status=400 if form.errors else 200,
    )


def _detail(
    request: HttpRequest,
    sar: SubjectAccessRequest,
    *,
    decision_forms: dict[int, DecisionForm] | None = None,
    release_form: ReleaseForm | None = None,
    page_error: str = "",
    status: int = 200,
) -> HttpResponse:
    held = selectors.held_items_of(sar)
    decision_forms = decision_forms or {}
    for item in held:
        item.form = decision_forms.get(item.pk) or DecisionForm(
            prefix=f"item-{item.pk}",
            initial={
                "decision": item.decision if item.decision != HeldDecision.PENDING else None,
                "reason": item.reason,
            },
        )
    preparers = services.preparers(sar) if sar.status == SubjectAccessStatus.ASSEMBLED else set()
    sections = sar.assembled.get("onderdelen", []) if sar.assembled else []
    return render(
        request,
        "audit/subject_access/detail.html",
        {
            "sar": sar,
            "deadline_text": _deadline_text(sar),
            "held": held,
            "pending": [item for item in held if item.decision == HeldDecision.PENDING],
            "sections": [(s["titel"], len(s["items"])) for s in sections],
            "release_form": release_form or ReleaseForm(),
            "may_release": request.user.pk not in preparers,
            "page_error": page_error,
            "rectifications": selectors.rectification_count(sar),
        },
        status=status,
    )


def subject_access_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    sar = services.request_for(user=request.user, request_id=request_id)
    services.record_view(actor=request.user, request=sar, page="detail")
    return _detail(request, sar)


@require_POST
def subject_access_assemble(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        sar = services.subject_access_assemble(actor=request.user, request_id=request_id)
    except ValidationError as error:
        sar = services.request_for(user=request.user, request_id=request_id)
        return _detail(request, sar, page_error=" ".join(error.messages), status=400)
    count = sar.held_items.count()
    messages.success(
        request,
        _("De gegevens zijn samengesteld.")
        + (" " + _("Beslis over elk tegengehouden gegeven.") if count else ""),
    )
    return HttpResponseRedirect(reverse("audit:subject_access_detail", args=[sar.pk]))


@require_POST
def subject_access_decide(request: HttpRequest, request_id: int, item_id: int) -> HttpResponse:
    sar = services.request_for(
        user=request.user, request_id=request_id, action=AuditAction.SUBJECT_ACCESS_DECIDED
    )
    if not selectors.has_held_item(sar, item_id):
        raise Http404
    form = DecisionForm(request.POST, prefix=f"item-{item_id}")
    if form.is_valid():
        try:
            services.subject_access_decide(
                actor=request.user,
                request_id=sar.pk,
                item_id=item_id,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("De beslissing is vastgelegd."))
            return HttpResponseRedirect(
                reverse("audit:subject_access_detail", args=[sar.pk]) + "#tegengehouden"
            )
    return _detail(request, sar, decision_forms={item_id: form}, status=400)


@require_POST
def subject_access_release(request: HttpRequest, request_id: int) -> HttpResponse:
    sar = services.request_for(
        user=request.user, request_id=request_id, action=AuditAction.SUBJECT_ACCESS_RELEASED
    )
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            services.subject_access_release(actor=request.user, request_id=sar.pk)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("De export is vrijgegeven en kan gedownload worden."))
            return HttpResponseRedirect(reverse("audit:subject_access_detail", args=[sar.pk]))
    sar.refresh_from_db()
    return _detail(request, sar, release_form=form, status=400)


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def subject_access_preview(request: HttpRequest, request_id: int) -> HttpResponse:
    body = services.subject_access_preview(actor=request.user, request_id=request_id)
    return _attachment(body, "application/pdf", f"concept-inzage-{request_id}.pdf")


def subject_access_download(request: HttpRequest, request_id: int, fmt: str) -> HttpResponse:
    body, content_type = services.subject_access_download(
        actor=request.user, request_id=request_id, fmt=fmt
    )
    return _attachment(body, content_type, f"inzage-{request_id}.{fmt}")


# --- Rectification and restriction -----------------------------------------------------------


def _entry_label(entry: TimelineEntry) -> str:
    return f"{date_format(entry.occurred_on, 'j F Y')} – {entry.get_kind_display()}: {entry.title}"


@require_http_methods(["GET", "POST"])
def subject_access_rights(request: HttpRequest, request_id: int) -> HttpResponse:
    """The person's requests for rectification, annotation or objection, and restrictions of
    processing on their case."""
    sar = services.request_for(user=request.user, request_id=request_id)
    if not sar.family_member_id:
        raise Http404
    member = sar.family_member
    case = member.case
    entries = selectors.timeline_entries_of(case)
    entry_choices = [(f"timeline_entry:{e.pk}", _entry_label(e)) for e in entries]
    form_name = request.POST.get("form", "") if request.method == "POST" else ""
    rectification_form = RectificationForm(
        request.POST if form_name == "rectification" else None, targets=entry_choices
    )
    restriction_form = RestrictionForm(
        request.POST if form_name == "restriction" else None,
        entries=[(str(e.pk), _entry_label(e)) for e in entries],
    )
    handle_forms: dict[int, HandleRectificationForm] = {}
    lift_forms: dict[int, LiftForm] = {}
    bound_error = False
    if request.method == "POST":
        try:
            done = _rights_post(
                request,
                sar,
                form_name,
                rectification_form,
                restriction_form,
                handle_forms,
                lift_forms,
            )
        except ValidationError as error:
            done = False
            target = {
                "rectification": rectification_form,
                "restriction": restriction_form,
            }.get(form_name)
            if target is None:
                key = int(request.POST.get("id", "0") or 0)
                target = handle_forms.get(key) or lift_forms.get(key)
            if target is not None:
                _apply_errors(target, error)
        if done:
            messages.success(request, done)
            return HttpResponseRedirect(reverse("audit:subject_access_rights", args=[sar.pk]))
        bound_error = True
    else:
        services.record_view(actor=request.user, request=sar, page="rights")
    rectifications = selectors.rectifications_of(member)
    for item in rectifications:
        item.form = handle_forms.get(item.pk) or HandleRectificationForm(prefix=f"r{item.pk}")
    restrictions = selectors.restrictions_of(case)
    for item in restrictions:
        item.form = lift_forms.get(item.pk) or LiftForm(prefix=f"l{item.pk}")
    return render(
        request,
        "audit/subject_access/rights.html",
        {
            "sar": sar,
            "rectification_form": rectification_form,
            "restriction_form": restriction_form,
            "rectifications": rectifications,
            "restrictions": restrictions,
            "received": RectificationStatus.RECEIVED,
        },
        status=400 if bound_error else 200,
    )


def _rights_post(
    request: HttpRequest,
    sar: SubjectAccessRequest,
    form_name: str,
    rectification_form: RectificationForm,
    restriction_form: RestrictionForm,
    handle_forms: dict[int, HandleRectificationForm],
    lift_forms: dict[int, LiftForm],
) -> str:
    """Handle one of the page's forms; returns the success message, or "" when the form has
    errors (raises ValidationError for the services' refusals)."""
    actor = request.user
    member = sar.family_member
    if form_name == "rectification":
        if not rectification_form.is_valid():
            return ""
        data = rectification_form.cleaned_data
        rights.rectification_register(
            actor=actor,
            family_member=member,
            kind=data["kind"],
            request_text=data["request_text"],
            target=data["target"],
            received_on=data["received_on"],
            subject_access=sar,
        )
        return _("Het verzoek is geregistreerd.")
    if form_name == "restriction":
        if not restriction_form.is_valid():
            return ""
        target = restriction_form.cleaned_data["target"]
        rights.restriction_add(
            actor=actor,
            case=member.case,
            reason=restriction_form.cleaned_data["reason"],
            timeline_entry_id=int(target) if target else None,
        )
        return _("De verwerking is beperkt.")
    try:
        key = int(request.POST.get("id", ""))
    except ValueError as error:
        raise Http404 from error
    if form_name == "handle":
        if not selectors.is_rectification_of(member, key):
            raise Http404
        form = handle_forms[key] = HandleRectificationForm(request.POST, prefix=f"r{key}")
        if not form.is_valid():
            return ""
        outcome, text = form.cleaned_data["outcome"], form.cleaned_data["text"]
        if outcome == "corrected":
            rights.rectification_link_correction(actor=actor, rectification_id=key)
        elif outcome == "annotated":
            rights.rectification_annotate(actor=actor, rectification_id=key, annotation=text)
        elif outcome == "restricted":
            rights.rectification_restrict(actor=actor, rectification_id=key, reason=text)
        else:
            rights.rectification_refuse(actor=actor, rectification_id=key, reason=text)
        return _("Het verzoek is afgehandeld.")
    if form_name == "lift":
        if not selectors.is_restriction_of(member.case, key):
            raise Http404
        form = lift_forms[key] = LiftForm(request.POST, prefix=f"l{key}")
        if not form.is_valid():
            return ""
        rights.restriction_lift(
            actor=actor, restriction_id=key, reason=form.cleaned_data["lift_reason"]
        )
        return _("De beperking is opgeheven.")
    raise Http404
