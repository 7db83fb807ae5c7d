"""The demo's steps, in order, as the apps hand them over.

``manage.py load_demo_content`` builds the whole fictional demo (pages, people, organisations,
live notes, training), yet the ground floor imports no side (docs/architecture.md): each app
registers its own step in ``AppConfig.ready()`` and the command runs them by their order.
Steps share one ``context`` dict: the people step leaves the demo users in ``context["users"]``
for the organisations step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string

DemoContext = dict[str, Any]


@dataclass(frozen=True)
class DemoStep:
    """``function`` is a dotted path, imported only when the demo runs: registering costs a
    served process nothing, and no app's demo module loads with the app registry."""

    order: int
    name: str
    function: str

    def run(self, context: DemoContext) -> None:
        import_string(self.function)(context)


_STEPS: dict[str, DemoStep] = {}


def register_demo_step(order: int, name: str, function: str) -> None:
    """Register (or replace, on a second ``ready()``) the step called ``name``; ``function``
    is the dotted path of a callable taking the shared context."""
    _STEPS[name] = DemoStep(order=order, name=name, function=function)


def demo_steps() -> list[DemoStep]:
    """Every registered step, lowest order first."""
    return sorted(_STEPS.values(), key=lambda step: (step.order, step.name))


def run_demo_steps() -> DemoContext:
    """Run every step once, in order; returns the shared context."""
    context: DemoContext = {}
    for step in demo_steps():
        step.run(context)
    return context
