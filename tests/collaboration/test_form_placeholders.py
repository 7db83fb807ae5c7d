"""No Django placeholder in any form (issue 15, item 10): a class test over the form classes.

Every form class of the workspace and the ground floor (``collaboration.*`` and ``portal.*``,
found by walking their modules, so a new form is checked the day it is written) and every step of
the sign-in and enrolment wizards is built with real data of the case world and rendered in
Dutch. A select must never offer Django's ``---------``: an empty choice says what to choose
("Kies een casusregisseur"). A form whose constructor needs an argument this test does not
know fails, naming it, rather than being skipped.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.test import RequestFactory
from django.utils import translation

from collaboration.models import FamilyMember, Goal, Membership, Organisation, Phase
from collaboration.services.plans import goal_add
from portal.accounts.models import User
from portal.accounts.views import SetupView, SignInView

pytestmark = pytest.mark.django_db

DJANGO_PLACEHOLDER = "---------"
PACKAGES = ("collaboration", "portal")


def own_forms() -> dict[str, type[forms.BaseForm]]:
    """Every form class defined in a module of ``PACKAGES``, by dotted path."""
    found = {}
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            if info.name.startswith("portal.settings"):
                continue
            module = importlib.import_module(info.name)
            for obj in vars(module).values():
                if (
                    isinstance(obj, type)
                    and issubclass(obj, forms.BaseForm)
                    and obj.__module__ == module.__name__
                ):
                    found[f"{module.__name__}.{obj.__qualname__}"] = obj
    return found


def wizard_forms() -> dict[str, type[forms.BaseForm]]:
    """Forms the portal renders that two_factor defines: the sign-in steps, and the enrolment
    steps (those of every registered method are added by the wizard at run time)."""
    from two_factor.plugins.registry import registry

    steps = {f"SignInView.{step}": form for step, form in SignInView.form_list}
    steps.update({f"SetupView.{step}": form for step, form in SetupView.form_list})
    for method in registry.get_methods():
        for step, form in method.get_setup_forms(None).items():
            steps[f"SetupView.{step}"] = form
    return steps


class _Options(HTMLParser):
    """The text of every <option> of every <select> in a piece of HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.options: list[str] = []
        self._in_option = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "option":
            self._in_option = True
            self.options.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._in_option = False

    def handle_data(self, data: str) -> None:
        if self._in_option:
            self.options[-1] += data


def option_texts(html: str) -> list[str]:
    parser = _Options()
    parser.feed(html)
    return [text.strip() for text in parser.options]


def constructor_parameters(form_class: type) -> dict[str, bool]:
    """Named parameters of the constructors along the class's own bases (not Django's, whose
    ``data``/``files``/``prefix``... are the usual ones), name -> required."""
    found: dict[str, bool] = {}
    for cls in form_class.__mro__:
        if "__init__" not in vars(cls) or cls.__module__.startswith("django."):
            continue
        for parameter in list(inspect.signature(cls.__init__).parameters.values())[1:]:
            if parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD):
                required = parameter.default is inspect.Parameter.empty
                found[parameter.name] = found.get(parameter.name, False) or required
    return found


@pytest.fixture
def arguments(world: Any, make_device: Callable[..., Any]) -> dict[str, Any]:
    """A value for every constructor argument the portal's forms take, from the case world."""
    case = world.case
    FamilyMember.objects.create(case=case, name="Zora Fictief", family_role="child")
    goal_add(actor=world.director, case=case, domain="housing", description="Een woning houden")
    device = make_device(world.caw_partner)
    people = list(User.objects.filter(memberships__isnull=False).distinct())
    labelled = [("x1", "Een keuze"), ("x2", "Een andere keuze")]
    return {
        "organisations": Organisation.objects.all(),
        "directors": User.objects.filter(pk=world.director.pk),
        "memberships": Membership.objects.select_related("user", "organisation"),
        "goals": list(Goal.objects.all()),
        "people": people,
        "family": list(FamilyMember.objects.filter(case=case)),
        "members": list(FamilyMember.objects.filter(case=case)),
        "choices": [(Phase.EXECUTION, Phase.EXECUTION.label)],
        "targets": labelled,
        "entries": labelled,
        "user": world.caw_partner,
        # two_factor's wizard steps
        "request": RequestFactory().get("/account/aanmelden/"),
        "initial_device": device,
        "device": device,
        "key": "0" * 40,
        "metadata": None,
        # portal.security.form_guard
        "now": datetime.datetime(2026, 5, 4, 10, tzinfo=datetime.UTC).timestamp(),
        "human_check": True,
    }


def all_forms() -> dict[str, type[forms.BaseForm]]:
    return {**own_forms(), **wizard_forms()}


def test_the_walk_finds_the_forms_of_the_finding() -> None:
    found = all_forms()
    # The accept form of the finding, the sign-in steps, and forms outside forms.py.
    for name in (
        "collaboration.forms.ReferralAcceptForm",
        "collaboration.forms.InvitationForm",
        "collaboration.forms_closure.ClosureForm",
        "portal.accounts.forms.VerifyCodeForm",
        "SignInView.auth",
        "SignInView.token",
        "SetupView.generator",
    ):
        assert name in found, name
    assert len(found) > 40


def test_no_select_of_any_form_shows_the_django_placeholder(arguments: dict[str, Any]) -> None:
    offenders = []
    rendered = 0
    for name, form_class in sorted(all_forms().items()):
        wanted = constructor_parameters(form_class)
        unknown = [p for p, required in wanted.items() if required and p not in arguments]
        assert not unknown, f"{name}: give this test a value for {unknown}"
        form = form_class(**{p: arguments[p] for p in wanted if p in arguments})
        with translation.override("nl"):
            html = str(form)
        rendered += 1
        placeholders = [text for text in option_texts(html) if DJANGO_PLACEHOLDER in text]
        if placeholders or DJANGO_PLACEHOLDER in html:
            offenders.append(name)
    assert rendered == len(all_forms())
    assert offenders == [], f"forms offering {DJANGO_PLACEHOLDER!r}: {offenders}"


def test_the_check_sees_a_django_placeholder(arguments: dict[str, Any]) -> None:
    """The detector itself: a ModelChoiceField left at Django's default is caught."""

    class Plain(forms.Form):
        organisation = forms.ModelChoiceField(queryset=Organisation.objects.all())

    assert DJANGO_PLACEHOLDER in option_texts(str(Plain()))


def test_the_accept_form_asks_to_choose_a_director(arguments: dict[str, Any]) -> None:
    from collaboration.forms import ReferralAcceptForm

    with translation.override("nl"):
        options = option_texts(str(ReferralAcceptForm(directors=arguments["directors"])))
    assert options[0] == "Kies een casusregisseur"
    assert options[1:] == [arguments["directors"].get().full_name]
