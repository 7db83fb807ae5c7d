"""The page where a professional reads the answer to their consult question.

Reached only through the signed, expiring link in the answer mail (the mail itself carries no
content). A tampered, expired or unknown link answers "not found", like any other missing
page. The page is never cached and never indexed: whoever holds the link can read it.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from collaboration.services.consults import consult_for_answer_token


@never_cache
@require_safe
def consult_answer(request: HttpRequest, token: str) -> HttpResponse:
    consult = consult_for_answer_token(token)
    if consult is None:
        raise Http404
    response = TemplateResponse(request, "content/consult_answer.html", {"consult": consult})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
