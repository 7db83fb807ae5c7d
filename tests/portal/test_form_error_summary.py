"""The error summary joins a field's label and its error without doubled punctuation: a
label that is a question ("Over welk gezinslid gaat het verzoek?") takes no colon."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string


class _Form(forms.Form):
    member = forms.CharField(label="Over welk gezinslid gaat het verzoek?")
    name = forms.CharField(label="Naam van de aanvrager")


def test_question_labels_take_no_colon_others_do() -> None:
    form = _Form(data={})
    html = render_to_string("components/form_errors.html", {"form": form})
    assert "verzoek?:" not in html
    assert "Over welk gezinslid gaat het verzoek? " in html
    assert "Naam van de aanvrager: " in html
