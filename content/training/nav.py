"""The public site's main menu on training pages (the header includes ``main_nav_template``
when a page provides it; see ``templates/components/header.html``)."""

from __future__ import annotations

from typing import Any


def public_nav() -> dict[str, Any]:
    try:
        from content.models.pages import MAIN_NAV_TEMPLATE
    except ImportError:  # the public site without a menu: the header simply has none
        return {}
    return {"main_nav_template": MAIN_NAV_TEMPLATE}
