"""Defences of the public forms against scripts, without third-party captchas.

A honeypot field people never see (hidden by CSS, and from assistive technology by
``aria-hidden`` on its wrapper: ``templates/components/honeypot.html``), and a signed time stamp
from when the form was shown: scripts post at once, or replay an old form. Used by the consult
form and the peer-support registration; the rate limits sit next to them in
``portal.security.rate_limit``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, MutableMapping
from typing import Any, ClassVar

from django import forms
from django.core import signing
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

FORM_TOKEN_SALT = "content.consult.form-shown"  # noqa: S105 - a signing salt, not a secret
MIN_SECONDS_TO_FILL = 3
MAX_SECONDS_TO_FILL = 4 * 60 * 60


def form_token(now: float | None = None, *, salt: str = FORM_TOKEN_SALT) -> str:
    """A signed time stamp; the form carries it so we can tell how long filling in took."""
    return signing.dumps(int(now if now is not None else time.time()), salt=salt)


def _mutable_copy(data: Mapping[str, Any]) -> MutableMapping[str, Any]:
    """What ``data.copy()`` gives for a form's data: a QueryDict keeps its lists, a dict stays one."""
    if isinstance(data, MultiValueDict):
        return data.copy()
    return dict(data)


class HumanCheckForm(forms.Form):
    """A form that refuses the honeypot filled in, a missing or forged time stamp, a form
    older than ``MAX_SECONDS_TO_FILL`` (with a fresh stamp, so one more click sends it) and a
    form sent sooner than ``MIN_SECONDS_TO_FILL`` after it was shown.

    ``human_check = False`` (set before ``clean``) drops both fields, for a form that only needs
    them in some uses."""

    honeypot_field: ClassVar[str] = "website"
    token_salt: ClassVar[str] = FORM_TOKEN_SALT
    spam_message: ClassVar[Any] = _("Het formulier kon niet verstuurd worden.")

    website = forms.CharField(label=_("Laat dit veld leeg"), required=False)
    shown_at = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, now: float | None = None, human_check: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.now = now if now is not None else time.time()
        self.human_check = human_check
        if not human_check:
            del self.fields[self.honeypot_field]
            del self.fields["shown_at"]
        elif not self.is_bound:
            self.initial["shown_at"] = form_token(self.now, salt=self.token_salt)

    def visible_fields(self) -> list[forms.BoundField]:
        return [field for field in super().visible_fields() if field.name != self.honeypot_field]

    def clean(self) -> dict[str, Any]:
        super().clean()  # Form.clean() returns cleaned_data itself
        if self.human_check:
            self._check_human(self.cleaned_data)
        return self.cleaned_data

    def _check_human(self, cleaned: dict[str, Any]) -> None:
        if cleaned.get(self.honeypot_field):
            raise forms.ValidationError(self.spam_message, code="spam")
        try:
            shown_at = signing.loads(cleaned.get("shown_at") or "", salt=self.token_salt)
        except signing.BadSignature:
            shown_at = None
        age = None if shown_at is None else self.now - float(shown_at)
        if age is None or age > MAX_SECONDS_TO_FILL:
            # Keep what was typed and give a fresh token, so one more click sends it.
            data = _mutable_copy(self.data)
            data["shown_at"] = form_token(self.now, salt=self.token_salt)
            self.data = data
            raise forms.ValidationError(
                _("Het formulier was verlopen. Controleer uw gegevens en verstuur opnieuw."),
                code="expired",
            )
        if age < MIN_SECONDS_TO_FILL:
            raise forms.ValidationError(
                _("Dat ging erg snel. Controleer uw gegevens en verstuur opnieuw."), code="too_fast"
            )
