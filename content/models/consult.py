"""The consult page: a professional asks Veilig Huis for advice.

The page only parses the form and calls ``collaboration.services.consults.consult_request_submit``,
which stores the question for the coordinators' inbox and sends a confirmation without content.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from collaboration.services.consults import consult_request_submit
from content.forms import ConsultRequestForm
from portal.security.client_address import client_address
from portal.security.once import claim, release
from portal.security.rate_limit import over_limit

from .pages import BasePage

RATE_LIMIT_SUBMISSIONS = 5
RATE_LIMIT_WINDOW_SECONDS = 60 * 60
SENT_PARAMETER = "verzonden"
REGION_PARAMETER = "regio"


def _rate_limited(request: HttpRequest) -> bool:
    """True once an address has sent ``RATE_LIMIT_SUBMISSIONS`` questions in the window."""
    return over_limit(
        f"content:consult-rate:{client_address(request) or 'unknown'}",
        limit=RATE_LIMIT_SUBMISSIONS,
        window_seconds=RATE_LIMIT_WINDOW_SECONDS,
    )


def _chosen_region(request: HttpRequest) -> str:
    """The region a visitor chose (``?regio=kempen``), or '' for none or an unknown one."""
    from portal.organisations.models import Region

    value = request.GET.get(REGION_PARAMETER, "")
    return value if value in Region.values else ""


class ConsultPage(BasePage):
    """Intro text and the consult form; after sending, a thank-you text on the same page."""

    thank_you_text = models.TextField(
        _("bedankt-tekst"),
        max_length=1000,
        help_text=_(
            "Wat de professional leest na het versturen, bijvoorbeeld wanneer we antwoorden."
        ),
    )

    # Directly under the home page, once per language, so "Consultvraag" is always one click away.
    parent_page_types = ["content.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    content_panels = [*BasePage.content_panels, FieldPanel("thank_you_text")]

    class Meta:
        verbose_name = _("consultpagina")
        verbose_name_plural = _("consultpagina's")

    def region_contact(self, request: HttpRequest, form: ConsultRequestForm) -> dict[str, Any]:
        """The chosen region's centre: from the region chooser, or the region in a sent form."""
        from content import help_routes
        from portal.organisations.models import Region

        region = _chosen_region(request)
        if not region and form.is_bound:
            posted = form.data.get("region", "")
            region = posted if posted in Region.values else ""
        return {
            "region_choices": Region.choices,
            "region_parameter": REGION_PARAMETER,
            "chosen_region": region,
            "region_centre": help_routes.centre_for_region(region, self.locale) if region else None,
        }

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            form = ConsultRequestForm(request.POST)
            if form.is_valid():
                if _rate_limited(request):
                    form.add_error(
                        None,
                        _(
                            "U hebt de voorbije uren al verschillende vragen gestuurd. Probeer later "
                            "opnieuw of mail ons rechtstreeks."
                        ),
                    )
                elif claim("consult", form.cleaned_data["once"]) is not None:
                    # The same form sent again (double click, resend): no second question.
                    return HttpResponseRedirect(f"{self.get_url(request)}?{SENT_PARAMETER}=1")
                else:
                    data = form.cleaned_data
                    try:
                        consult_request_submit(
                            name=data["name"],
                            organisation=data["organisation"],
                            email=data["email"],
                            phone=data["phone"],
                            region=data["region"],
                            question=data["question"],
                        )
                    except ValidationError as error:
                        release("consult", form.cleaned_data["once"])
                        for field, messages in error.message_dict.items():
                            form.add_error(field if field in form.fields else None, messages)
                    else:
                        return HttpResponseRedirect(f"{self.get_url(request)}?{SENT_PARAMETER}=1")
        else:
            form = ConsultRequestForm(initial={"region": _chosen_region(request)})
        context = self.get_context(request, *args, **kwargs)
        context["form"] = form
        context.update(self.region_contact(request, form))
        context["sent"] = request.method == "GET" and request.GET.get(SENT_PARAMETER) == "1"
        return TemplateResponse(request, self.get_template(request), context)
