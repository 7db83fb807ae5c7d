"""Purge the anonymous page cache whenever what a visitor sees may have changed.

Connected in ``ContentConfig.ready``. Menus, footers and help numbers are on every page, so any
publication invalidates all cached pages (see ``content.cache``).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from content.cache import bump_generation


def _purge(**kwargs: Any) -> None:
    bump_generation()


def _purge_on_page_delete(sender: type, **kwargs: Any) -> None:
    if issubclass(sender, Page):
        bump_generation()


def connect() -> None:
    from content.models import ContactPerson, SiteContactSettings

    page_published.connect(_purge, dispatch_uid="content.cache.published")
    page_unpublished.connect(_purge, dispatch_uid="content.cache.unpublished")
    post_page_move.connect(_purge, dispatch_uid="content.cache.moved")
    post_delete.connect(_purge_on_page_delete, dispatch_uid="content.cache.page_deleted")
    for model in (ContactPerson, SiteContactSettings, Site):
        post_save.connect(
            _purge, sender=model, dispatch_uid=f"content.cache.saved.{model.__name__}"
        )
        post_delete.connect(
            _purge, sender=model, dispatch_uid=f"content.cache.deleted.{model.__name__}"
        )
