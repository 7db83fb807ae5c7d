"""Names the public site's navigation shares between pages, views and training pages."""

from __future__ import annotations

# The header includes this when a view provides it (templates/components/header.html).
MAIN_NAV_TEMPLATE = "content/components/main_menu.html"
