"""Checks that print as they go and are counted at the end (a failing check fails ``make proof``)."""

from __future__ import annotations


class Report:
    def __init__(self, name: str) -> None:
        self.name = name
        self.failures: list[str] = []
        self.figures: list[str] = []

    def check(self, condition: bool, label: str) -> bool:
        print(("   ok   " if condition else "   FAIL ") + label, flush=True)
        if not condition:
            self.failures.append(label)
        return condition

    def figure(self, text: str) -> None:
        print("   ..   " + text, flush=True)
        self.figures.append(text)

    @property
    def passed(self) -> bool:
        return not self.failures
