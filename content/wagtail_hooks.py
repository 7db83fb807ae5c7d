"""Wagtail admin hooks: the accessibility checker in the user bar checks WCAG 2.2 AA rules."""

from __future__ import annotations

from typing import Any

from wagtail import hooks
from wagtail.admin.userbar import ContentCheckerItem


class WcagContentCheckerItem(ContentCheckerItem):
    """Wagtail's checker runs a handful of rules by default; editors get the full AA set."""

    axe_run_only = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@hooks.register("construct_wagtail_userbar")
def use_wcag_checker(request: Any, items: list[Any], page: Any) -> None:
    items[:] = [
        WcagContentCheckerItem(getattr(item, "in_editor", False))
        if type(item) is ContentCheckerItem
        else item
        for item in items
    ]
