"""The public consult form: parsing and anti-spam only; storing is the collaboration service's job.

Spam resistance without third-party captchas (``portal.security.form_guard``, shared with the
peer-support registration): a honeypot field people never see, and a signed time stamp from
when the form was shown (bots post at once, or replay old forms). Rate limiting per address
lives in ``content.consult``.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.organisations.models import Region
from portal.security.form_guard import (  # noqa: F401 - re-exported for callers and tests
    FORM_TOKEN_SALT,
    MAX_SECONDS_TO_FILL,
    MIN_SECONDS_TO_FILL,
    HumanCheckForm,
    form_token,
)
from portal.security.once import OneTimeTokenField, new_token


class ConsultRequestForm(HumanCheckForm):
    name = forms.CharField(
        label=_("Uw naam"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    organisation = forms.CharField(
        label=_("Uw organisatie of dienst"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    email = forms.EmailField(
        label=_("Uw e-mailadres (werk)"),
        help_text=_("Wij sturen alleen een ontvangstbevestiging, zonder de inhoud van uw vraag."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Telefoonnummer (niet verplicht)"),
        max_length=30,
        required=False,
        help_text=_("Als u liever gebeld wordt."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    region = forms.ChoiceField(
        label=_("Regio"),
        choices=[("", _("Kies een regio")), *Region.choices],
        help_text=_("De regio van het gezin of van uw dienst."),
    )
    question = forms.CharField(
        label=_("Uw vraag"),
        max_length=5000,
        help_text=_(
            "Beschrijf de situatie zonder namen, adressen of geboortedata van gezinsleden. "
            "Een coördinator neemt contact met u op voor de details."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    # One submission per rendered form (portal.security.once): a double click sends one question.
    once = OneTimeTokenField()

    spam_message = _("Uw vraag kon niet verstuurd worden. Mail ons gerust rechtstreeks.")
    field_order = ["name", "organisation", "email", "phone", "region", "question"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["once"] = new_token()
        # Only regions whose coordinators can receive the question: nothing lands where nobody
        # looks. A POST for another region gets a Dutch field error; the rest stays filled in.
        from collaboration.services.consults import (
            NO_COORDINATOR_MESSAGE,
            regions_with_coordinators,
        )

        reachable = regions_with_coordinators()
        region = cast(forms.ChoiceField, self.fields["region"])  # declared as one above
        region.choices = [
            ("", _("Kies een regio")),
            *((value, label) for value, label in Region.choices if value in reachable),
        ]
        region.error_messages["invalid_choice"] = NO_COORDINATOR_MESSAGE

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()
