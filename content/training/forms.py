"""Forms for learners, registrations and coordinators. Messages in Dutch through gettext."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.organisations.models import Organisation
from portal.security.form_guard import HumanCheckForm


class QuizAttemptForm(forms.Form):
    """Built from an attempt's question snapshot. Ordering questions get one position list per
    item: operable with the keyboard alone and without script, no dragging needed."""

    def __init__(self, *args: Any, questions: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            qid = question["id"]
            label = _("Vraag %(number)s") % {"number": number}
            if question["type"] in ("single_choice", "true_false"):
                self.fields[f"q_{qid}"] = forms.ChoiceField(
                    label=label,
                    choices=[(o["key"], o["text"]) for o in question["options"]],
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Kies een antwoord.")},
                )
            elif question["type"] == "multiple_choice":
                self.fields[f"q_{qid}"] = forms.MultipleChoiceField(
                    label=label,
                    choices=[(o["key"], o["text"]) for o in question["options"]],
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={"required": _("Kies minstens één antwoord.")},
                )
            elif question["type"] == "ordering":
                count = len(question["items"])
                positions = [
                    ("", _("Kies een plaats")),
                    *[(str(i), str(i)) for i in range(1, count + 1)],
                ]
                for item in question["items"]:
                    self.fields[f"q_{qid}__{item['key']}"] = forms.ChoiceField(
                        label=_("Plaats van: %(text)s") % {"text": item["text"]},
                        choices=positions,
                        error_messages={"required": _("Kies een plaats.")},
                    )

    def question_fields(self) -> list[dict[str, Any]]:
        """Questions with their bound fields, for the template."""
        result = []
        for number, question in enumerate(self.questions, start=1):
            qid = question["id"]
            if question["type"] == "ordering":
                fields = [self[f"q_{qid}__{item['key']}"] for item in question["items"]]
            else:
                fields = [self[f"q_{qid}"]]
            anchor = fields[0].auto_id + ("" if question["type"] == "ordering" else "_0")
            errors = [error for field in fields for error in field.errors]
            result.append(
                {
                    "number": number,
                    "question": question,
                    "fields": fields,
                    "anchor": anchor,
                    "errors": errors,
                }
            )
        return result

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for question in self.questions:
            if question["type"] != "ordering":
                continue
            names = [f"q_{question['id']}__{item['key']}" for item in question["items"]]
            chosen = [data.get(name) for name in names]
            if all(chosen) and len(set(chosen)) != len(chosen):
                for name, value in zip(names, chosen, strict=True):
                    if chosen.count(value) > 1:
                        self.add_error(name, _("Elke plaats mag maar één keer voorkomen."))
        return data

    def answers(self) -> dict[str, Any]:
        """The answers keyed by question id, as the grader expects them."""
        answers: dict[str, Any] = {}
        for question in self.questions:
            qid = question["id"]
            if question["type"] == "ordering":
                answers[qid] = {
                    item["key"]: int(self.cleaned_data[f"q_{qid}__{item['key']}"])
                    for item in question["items"]
                }
            else:
                answers[qid] = self.cleaned_data[f"q_{qid}"]
        return answers


class SessionRegistrationForm(HumanCheckForm):
    """Registration for a session. Peer-support sessions take no account, so their form has the
    consult form's defences against scripts (honeypot and time stamp, ``HumanCheckForm``); the
    view adds the rate limits."""

    display_name = forms.CharField(label=_("Naam"), max_length=80)
    email = forms.EmailField(
        label=_("E-mailadres"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    token_salt = "content.training.registration-shown"  # noqa: S105 - a salt, not a secret
    spam_message = _("Uw inschrijving kon niet verstuurd worden. Probeer het later opnieuw.")
    field_order = ["display_name", "email"]

    def __init__(self, *args: Any, peer_support: bool, **kwargs: Any) -> None:
        super().__init__(*args, human_check=peer_support, **kwargs)
        if peer_support:
            self.fields["display_name"].label = _("Voornaam of schuilnaam")
            self.fields["display_name"].help_text = _(
                "Zo spreken wij u aan. Uw echte naam is niet nodig."
            )
            self.fields["email"].help_text = _(
                "Alleen om uw inschrijving te bevestigen en u te herinneren. Afzender en "
                "onderwerp van onze e-mails zijn neutraal."
            )
        else:
            self.fields["display_name"].widget.attrs["autocomplete"] = "name"

    def clean_display_name(self) -> str:
        """One line: the name opens the e-mail ("Beste ..."), so a name sent with line breaks
        would let anyone who types a victim's address write lines of their own into a mail
        from our neutral sender. A browser's text field sends none; runs of white space
        become one space."""
        return " ".join(self.cleaned_data["display_name"].split())


class LearnerProfileForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("Geen (mijn resultaten blijven privé)"),
        help_text=_(
            "De coördinatoren van de gekozen organisatie zien welke cursussen u voltooide, uw "
            "vormingsuren en uw scores."
        ),
    )


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Aanwezig"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, registrations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(r.pk, r.display_name) for r in registrations]
