"""The public consult form: parsing and anti-spam only; storing is the collaboration service's job.

Spam resistance without third-party captchas: a honeypot field people never see, and a signed
time stamp from when the form was shown (bots post at once, or replay old forms). Rate limiting
per address lives in ``content.consult``.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from collaboration.models import Region
from portal.security.once import OneTimeTokenField, new_token

FORM_TOKEN_SALT = "content.consult.form-shown"  # noqa: S105 - a signing salt, not a secret
MIN_SECONDS_TO_FILL = 3
MAX_SECONDS_TO_FILL = 4 * 60 * 60


def form_token(now: float | None = None) -> str:
    """A signed time stamp; the form carries it so we can tell how long filling in took."""
    return signing.dumps(int(now if now is not None else time.time()), salt=FORM_TOKEN_SALT)


class ConsultRequestForm(forms.Form):
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
    # Honeypot: hidden from people by CSS and from assistive technology by aria-hidden on its
    # wrapper (see the template); bots fill every field.
    website = forms.CharField(label=_("Laat dit veld leeg"), required=False)
    shown_at = forms.CharField(widget=forms.HiddenInput)
    # One submission per rendered form (portal.security.once): a double click sends one question.
    once = OneTimeTokenField()

    honeypot_field = "website"

    def __init__(self, *args: Any, now: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now if now is not None else time.time()
        if not self.is_bound:
            self.initial["shown_at"] = form_token(self.now)
            self.initial["once"] = new_token()

    def visible_fields(self) -> list[forms.BoundField]:
        return [field for field in super().visible_fields() if field.name != self.honeypot_field]

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get(self.honeypot_field):
            raise forms.ValidationError(
                _("Uw vraag kon niet verstuurd worden. Mail ons gerust rechtstreeks."), code="spam"
            )
        try:
            shown_at = signing.loads(cleaned.get("shown_at") or "", salt=FORM_TOKEN_SALT)
        except signing.BadSignature:
            shown_at = None
        age = None if shown_at is None else self.now - float(shown_at)
        if age is None or age > MAX_SECONDS_TO_FILL:
            # Keep what was typed and give a fresh token, so one more click sends it.
            self.data = self.data.copy()
            self.data["shown_at"] = form_token(self.now)
            raise forms.ValidationError(
                _("Het formulier was verlopen. Controleer uw gegevens en verstuur opnieuw."),
                code="expired",
            )
        if age < MIN_SECONDS_TO_FILL:
            raise forms.ValidationError(
                _("Dat ging erg snel. Controleer uw gegevens en verstuur opnieuw."), code="too_fast"
            )
        return cleaned
