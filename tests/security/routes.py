"""The resolved URLconf as a list of concrete routes, for class tests of sign-in and enrolment.

Built from ``get_resolver().url_patterns`` (third-party includes too), with every language of
``i18n_patterns`` expanded, so a route a library mounts is found without anyone listing it.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device


@dataclass(frozen=True)
class Route:
    """One URL pattern as the resolver sees it: its full template and what it calls."""

    template: str  # e.g. "en/_util/login/" or "account/herstel/<uidb64>/<token>/"
    pattern: URLPattern
    language: str | None

    @property
    def name(self) -> str:
        return self.pattern.name or ""

    @property
    def callback(self) -> Callable[..., Any]:
        return self.pattern.callback

    @property
    def view_class(self) -> type | None:
        """The class behind ``as_view()``, or None for a function view."""
        return getattr(self.callback, "view_class", None)

    @property
    def function(self) -> Callable[..., Any]:
        """A function view with its decorators taken off (bound methods stay bound)."""
        return inspect.unwrap(self.callback)

    @property
    def model_admin(self) -> Any:
        """The ModelAdmin of a Django admin route (its wrapper carries it), else None."""
        return getattr(self.callback, "model_admin", None)

    @property
    def parameters(self) -> list[str]:
        """Names of the path parameters (route converters and regex groups)."""
        found = re.findall(r"\(\?P<(\w+)>|<(?:\w+:)?(\w+)>", self.template)
        return [group or converter for group, converter in found]

    def path(self, values: dict[str, str] | None = None) -> str:
        """A concrete path: parameters from ``values``, else harmless samples."""
        values = values or {}

        def converter(match: re.Match[str]) -> str:
            kind, name = match.group(1) or "str", match.group(2)
            if name in values:
                return values[name]
            return {"int": "1", "uuid": "00000000-0000-0000-0000-000000000000"}.get(kind, "x")

        def group(match: re.Match[str]) -> str:
            return values.get(match.group(1), "x")

        path = re.sub(r"<(?:(\w+):)?(\w+)>", converter, self.template)
        path = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", group, path)
        path = path.replace("^", "").replace("$", "").replace("\\", "")
        return "/" + path


def _walk(patterns: list[Any], prefix: str, language: str | None) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if isinstance(entry.pattern, LocalePrefixPattern):
                for code, _label in settings.LANGUAGES:
                    with translation.override(code):
                        language_prefix = entry.pattern.language_prefix
                    yield from _walk(entry.url_patterns, prefix + language_prefix, code)
            else:
                yield from _walk(entry.url_patterns, prefix + _text(entry.pattern), language)
        elif isinstance(entry, URLPattern):
            yield Route(prefix + _text(entry.pattern), entry, language)


def _text(pattern: Any) -> str:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = text.removeprefix("^").removesuffix("$")
    return text


def resolved_routes() -> list[Route]:
    """Every URL pattern of the root URLconf, once per language prefix."""
    return list(_walk(get_resolver().url_patterns, "", None))


@functools.cache
def _source(obj: Any) -> str:
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return ""


def own_classes(view_class: type) -> list[type]:
    """The view class and its bases, without Django's generic plumbing and ``object``."""
    return [
        cls
        for cls in view_class.__mro__
        if cls is not object and not cls.__module__.startswith("django.views.")
    ]


def class_sources(view_class: type) -> str:
    return "\n".join(_source(cls) for cls in own_classes(view_class))


def function_source(route: Route) -> str:
    function = route.function
    return _source(getattr(function, "__func__", function))


def module_sources(route: Route) -> str:
    """The source of the modules that define the view (and its bases): helpers there count."""
    import sys

    owners = own_classes(route.view_class) if route.view_class else [route.function]
    modules = {getattr(owner, "__module__", "") for owner in owners}
    return "\n".join(_source(sys.modules[name]) for name in sorted(modules) if name in sys.modules)


def session_state(client: Client) -> tuple[int | None, bool]:
    """(signed-in user id, verified with one of that user's confirmed devices), read from the
    session the way Django's and django-otp's middleware read it."""
    from portal.accounts.models import User

    session = client.session
    user_id = session.get(SESSION_KEY)
    if not user_id:
        return None, False
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or session.get(HASH_SESSION_KEY) != user.get_session_auth_hash():
        return None, False  # a void session: the next request is anonymous
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    verified = bool(device and device.user_id == user.pk and device.confirmed)
    return user.pk, verified
