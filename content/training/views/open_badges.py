"""Open Badges: the learner's signed credential (owner only), and the public documents a
verifier needs — the DID document and the revocation lists. Public documents carry nothing
personal: the DID document holds public keys, a status list only bits at random positions."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from ..openbadges.credentials import signed_credential, signed_status_list
from ..openbadges.keys import did_document
from ..selectors import certificate_of_learner
from .learning import learner_required

JSON_LD = "application/ld+json"
# Status lists are fetched by every verifier; a short cache keeps revocation prompt.
STATUS_LIST_MAX_AGE = 300
MAX_LIST_NUMBER = 1000


def _json(document: dict[str, Any], content_type: str = JSON_LD) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return HttpResponse(body, content_type=f"{content_type}; charset=utf-8")


@learner_required
def open_badge_download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = certificate_of_learner(user=request.user, code=code)
    if certificate is None:
        raise Http404
    response = _json(signed_credential(certificate))
    response["Content-Disposition"] = f'attachment; filename="open-badge-{certificate.code}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def did_json(request: HttpRequest) -> HttpResponse:
    try:
        document = did_document()
    except ImproperlyConfigured as error:  # a dev set-up without key file: say so, no 500 page
        raise Http404 from error
    response = _json(document, "application/did+json")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def status_list(request: HttpRequest, number: int) -> HttpResponse:
    if not 1 <= number <= MAX_LIST_NUMBER:
        raise Http404
    response = _json(signed_status_list(number))
    response["Cache-Control"] = f"public, max-age={STATUS_LIST_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
