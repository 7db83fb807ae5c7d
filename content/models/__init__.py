"""Public pages, snippets and site settings, one module per idea; import them from here."""

from .consult import ConsultPage
from .pages import BasePage, HelpPage, HomePage, StandardPage
from .sections import (
    CentreIndexPage,
    CentrePage,
    EventIndexPage,
    EventKind,
    EventPage,
    NewsIndexPage,
    NewsPage,
    PartnerIndexPage,
    PartnerPage,
    PartnerSector,
    ViolenceFormIndexPage,
    ViolenceFormPage,
)
from .settings import SiteContactSettings
from .snippets import ContactPerson

__all__ = [
    "BasePage",
    "CentreIndexPage",
    "CentrePage",
    "ConsultPage",
    "ContactPerson",
    "EventIndexPage",
    "EventKind",
    "EventPage",
    "HelpPage",
    "HomePage",
    "NewsIndexPage",
    "NewsPage",
    "PartnerIndexPage",
    "PartnerPage",
    "PartnerSector",
    "SiteContactSettings",
    "StandardPage",
    "ViolenceFormIndexPage",
    "ViolenceFormPage",
]
