"""Certificates: the learner's own page and PDF; the public verification page (no login)."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..pdf import certificate_pdf
from ..selectors import certificate_by_code, certificate_of_learner
from .learning import learner_required

# What a typed code may look like before it becomes part of a URL (codes are VH-XXXX-XXXX-XXXX).
CODE_MAX_LENGTH = 40
PLAUSIBLE_CODE = re.compile(rf"[A-Z0-9-]{{1,{CODE_MAX_LENGTH}}}")


def _verify_url(request: HttpRequest, code: str) -> str:
    return request.build_absolute_uri(reverse("training:certificate_verify", args=[code]))


@learner_required
def certificate_detail(request: HttpRequest, code: str) -> HttpResponse:
    certificate = certificate_of_learner(user=request.user, code=code)
    if certificate is None:
        raise Http404
    return render(
        request,
        "training/certificate.html",
        {"certificate": certificate, "verify_url": _verify_url(request, certificate.code)},
    )


@learner_required
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = certificate_of_learner(user=request.user, code=code)
    if certificate is None:
        raise Http404
    pdf = certificate_pdf(certificate, verify_url=_verify_url(request, certificate.code))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attest-{certificate.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    """A form to type a code over from paper; redirects to the verification page."""
    typed = (request.GET.get("code") or "").strip()
    code = typed.upper()
    if code and PLAUSIBLE_CODE.fullmatch(code):
        return redirect("training:certificate_verify", code=code)
    if code:  # not a code (a "/" in it would not even make a URL): say so, keep what was typed
        context = {
            "code": typed[:CODE_MAX_LENGTH],
            "error": _(
                "Dit is geen geldige verificatiecode. Een code ziet eruit als VH-AB12-CD34-EF56."
            ),
        }
        return render(request, "training/certificate_lookup.html", context, status=400)
    return render(request, "training/certificate_lookup.html", {})


@never_cache
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: valid, expired or revoked, with the name, course, hours and dates. An unknown
    code says so (404) without hinting at codes that exist."""
    certificate = certificate_by_code(code)
    context = {"certificate": certificate, "code": code.upper()}
    if certificate is not None:
        context["status"] = certificate.status()
    response = render(
        request,
        "training/certificate_verify.html",
        context,
        status=200 if certificate else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response
