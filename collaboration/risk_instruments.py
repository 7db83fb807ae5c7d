"""Loading a risk-assessment instrument from its JSON file (``collaboration/instruments/``).

The instrument's questions, weights and thresholds are data, not code: Veilig Huis adopts its
own checklist by loading a new file (``manage.py load_risk_instrument <file>``), a changed
checklist by loading it as a new version. A loaded version is never changed: the loader refuses
a code and version that exist, and every assessment keeps a copy of what it used. The data
migration ``0020_risk_and_safety_plan`` loads the fictional demo instrument with the same
function (it passes its historical models)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models.vocabulary import LifeDomain

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
DEMO_INSTRUMENT = INSTRUMENTS_DIR / "demo-v1.json"

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
KINDS = ("risk", "protective")


def read_instrument(path: Path | str) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _integer(data: dict[str, Any], name: str, *, low: int, high: int) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationError(
            _("Het instrument heeft geen geldige waarde voor '%(name)s'.") % {"name": name}
        )
    return value


def clean_instrument(data: dict[str, Any]) -> dict[str, Any]:
    """The instrument's fields and questions, checked; a ValidationError names the problem."""
    code = data.get("code")
    if not isinstance(code, str) or not _SLUG.match(code):
        raise ValidationError(_("De code van het instrument is ongeldig."))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise ValidationError(_("Het instrument heeft geen geldige naam."))
    cleaned: dict[str, Any] = {
        "code": code,
        "version": _integer(data, "version", low=1, high=32767),
        "name": name.strip(),
        "description": str(data.get("description", ""))[:2000],
        "threshold_raised": _integer(data, "threshold_raised", low=-1000, high=1000),
        "threshold_high": _integer(data, "threshold_high", low=-1000, high=1000),
        "review_after_days": _integer(data, "review_after_days", low=1, high=730),
    }
    if cleaned["threshold_high"] <= cleaned["threshold_raised"]:
        raise ValidationError(_("De drempel voor 'hoog' moet boven die voor 'verhoogd' liggen."))
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        raise ValidationError(_("Het instrument heeft geen vragen."))
    keys: set[str] = set()
    cleaned["questions"] = []
    for position, question in enumerate(questions):
        key = question.get("key") if isinstance(question, dict) else None
        if not isinstance(key, str) or not _SLUG.match(key) or key in keys:
            raise ValidationError(
                _("Vraag %(n)s heeft geen geldige of een dubbele sleutel.") % {"n": position + 1}
            )
        keys.add(key)
        text = question.get("text")
        if (
            question.get("domain") not in LifeDomain.values
            or question.get("kind") not in KINDS
            or not isinstance(text, str)
            or not text.strip()
            or len(text) > 300
        ):
            raise ValidationError(_("Vraag %(n)s is onvolledig.") % {"n": position + 1})
        cleaned["questions"].append(
            {
                "key": key,
                "position": position,
                "domain": question["domain"],
                "kind": question["kind"],
                "text": text.strip(),
                "weight": _integer(question, "weight", low=1, high=100),
            }
        )
    return cleaned


def load_instrument(data: dict[str, Any], *, instrument_model: Any, question_model: Any) -> Any:
    """Create the instrument version and its questions; earlier versions of the same code stop
    being offered (their assessments keep them). Refuses a version that exists."""
    cleaned = clean_instrument(data)
    questions = cleaned.pop("questions")
    with transaction.atomic():
        existing = instrument_model.objects.select_for_update().filter(code=cleaned["code"])
        if existing.filter(version=cleaned["version"]).exists():
            raise ValidationError(
                _("Versie %(version)s van dit instrument bestaat al: laad een nieuwe versie.")
                % {"version": cleaned["version"]}
            )
        existing.update(is_active=False)
        instrument = instrument_model.objects.create(**cleaned, is_active=True)
        question_model.objects.bulk_create(
            [question_model(instrument=instrument, **question) for question in questions]
        )
    return instrument


def load_instrument_file(path: Path | str) -> Any:
    from .models import RiskInstrument, RiskQuestion

    return load_instrument(
        read_instrument(path), instrument_model=RiskInstrument, question_model=RiskQuestion
    )
