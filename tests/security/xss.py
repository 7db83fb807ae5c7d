"""The XSS / HTML-injection corpus and the detector that looks at a page in Chromium.

Every payload either sets ``window.__xss``, opens a dialog, or carries a ``data-xss`` attribute,
so an escape that fails shows up three ways: script that ran, a dialog, or an element (or an
event-handler attribute, a ``javascript:`` URL, an inline script) in the DOM that the page never
renders itself. The browser context bypasses the CSP on purpose: the CSP is the safety net, the
test is about escaping. The detector is proved to fire by ``test_detector_fires_*``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

CORPUS: list[str] = [
    "<script data-xss>window.__xss=1</script>",
    '"><img data-xss src=x onerror="window.__xss=1">',
    "'><svg data-xss onload=window.__xss=1>",
    '<a data-xss href="javascript:window.__xss=1">klik</a>',
    "</textarea><script data-xss>window.__xss=1</script>",
    "</title></style></script><b data-xss>vet</b>",
    "<iframe data-xss srcdoc='<script>parent.__xss=1</script>'></iframe>",
    "<details data-xss open ontoggle=window.__xss=1>",
    "<input data-xss autofocus onfocus=window.__xss=1>",
    "<img data-xss src=x onerror=alert(1)>",
    '{{ 7*7 }}{% now "Y" %}{% load static %}',
    "&lt;b data-xss&gt;niet ontsleuteld&lt;/b&gt; &#60;i&#62;",
    "javascript:window.__xss=1",
    "';window.__xss=1;//\"-->",
    "<math><mtext><table><mglyph><style><img data-xss src=x onerror=alert(2)>",
    "<svg><animate data-xss onbegin=window.__xss=1 attributeName=x dur=1s>",
]
# For fields of 30 characters or fewer (telephone numbers, references).
SHORT_CORPUS: list[str] = [
    "<b data-xss>x</b>",
    '"><svg/onload=alert(1)>',
    "<svg onload=__xss=1>",
    "{{7*7}}",
]
# Django's EmailValidator accepts a quoted local part with < > / = ( ): markup in a valid address.
EMAIL_CORPUS: list[str] = [
    '"<svg/onload=window.__xss=1>"@example.be',
    '"<img/src=x/onerror=alert(1)>"@example.be',
    '"</textarea><script>window.__xss=1</script>"@example.be',
]


def pack(max_length: int | None, tag: str = "", corpus: Iterable[str] | None = None) -> list[str]:
    """The corpus as few values as possible, each at most ``max_length`` long and starting with
    ``tag``; every payload lands whole in one value. A field too short for a payload of the
    corpus gets the short corpus instead; nothing is dropped silently."""
    limit = max_length or 100_000
    items = list(CORPUS if corpus is None else corpus)
    room = limit - (len(tag) + 1 if tag else 0)
    if corpus is None and any(len(item) > room for item in items):
        items = SHORT_CORPUS
    too_long = [item for item in items if len(item) > room]
    if too_long:
        raise ValueError(f"a field of {limit} characters cannot hold {too_long}")
    values: list[str] = []
    current = tag
    for item in items:
        candidate = f"{current} {item}" if current else item
        if len(candidate) > limit:
            values.append(current)
            candidate = f"{tag} {item}" if tag else item
        current = candidate
    values.append(current)
    return values


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# Runs in the page: everything an injected payload could have left behind.
DETECT_JS = r"""
() => {
  const found = [];
  const show = el => el.outerHTML.slice(0, 160);
  for (const el of document.querySelectorAll('*')) {
    if (el.hasAttribute('data-xss')) found.push('injected element: ' + show(el));
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push('event-handler attribute: ' + show(el));
      if (name === 'srcdoc') found.push('srcdoc: ' + show(el));
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster'].includes(name)
          && /^\s*(javascript|vbscript|data:text\/html)/i.test(attr.value)) {
        found.push('script URL: ' + show(el));
      }
    }
    if (el.tagName === 'SCRIPT' && !el.hasAttribute('src')
        && (el.getAttribute('type') || '') !== 'application/json') {
      found.push('inline script: ' + show(el));
    }
  }
  if (window.__xss !== undefined) found.push('payload ran: window.__xss = ' + window.__xss);
  if (document.querySelectorAll('main').length !== 1) found.push('markup broken: main count');
  return found;
}
"""

# The text a person can read or edit on the page, whitespace collapsed.
TEXT_JS = r"""
() => {
  const parts = [document.title, document.documentElement.textContent];
  for (const el of document.querySelectorAll('input, textarea, select')) parts.push(el.value);
  for (const el of document.querySelectorAll('meta[content]')) parts.push(el.content);
  for (const el of document.querySelectorAll('[alt], [title], [aria-label]')) {
    parts.push(el.getAttribute('alt') || '', el.getAttribute('title') || '',
               el.getAttribute('aria-label') || '');
  }
  for (const el of document.querySelectorAll('option')) parts.push(el.textContent);
  return parts.join(' \u241e ').replace(/\s+/g, ' ');
}
"""


@dataclass
class Probe:
    """One Chromium context (CSP bypassed) that visits pages and collects what it finds."""

    browser: Any
    base_url: str
    problems: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    expected: int = 0

    def __post_init__(self) -> None:
        self.context = self.browser.new_context(locale="nl-BE", bypass_csp=True)
        self.page = self.context.new_page()
        self.page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{self.page.url}: {dialog.type} {dialog.message}")
        dialog.dismiss()

    def sign_in(self, session_cookie: str | None) -> None:
        from django.conf import settings

        self.context.clear_cookies()
        if session_cookie:
            self.context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": session_cookie,
                        "url": self.base_url,
                    }
                ]
            )

    def visit(
        self,
        path: str,
        *,
        label: str = "",
        expect: Iterable[str] = (),
        html: str | None = None,
        statuses: Iterable[int] = (200,),
    ) -> str:
        """Open ``path`` (or serve ``html`` at it) and check it; returns the page text."""
        url = path if path.startswith("http") else self.base_url + path
        label = label or path
        if html is not None:
            pattern = url.split("?")[0].split("#")[0] + "*"

            def fulfil(route: Any) -> None:
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

            self.page.route(pattern, fulfil)
        dialogs_before = len(self.dialogs)
        try:
            response = self.page.goto(url, wait_until="load")
            # ontoggle, onfocus and onbegin fire a moment after the load event.
            self.page.wait_for_timeout(60)
        finally:
            if html is not None:
                self.page.unroute(pattern)
        self.visited.append(label)
        expect = list(expect)
        self.expected += len(expect)
        if response is None or response.status not in set(statuses):
            status = response.status if response else "none"
            self.problems.append(f"{label}: HTTP {status} at {self.page.url}")
            return ""
        for finding in self.page.evaluate(DETECT_JS):
            self.problems.append(f"{label}: {finding}")
        for dialog in self.dialogs[dialogs_before:]:
            self.problems.append(f"{label}: dialog opened ({dialog})")
        text = self.page.evaluate(TEXT_JS)
        for value in expect:
            if normalise(value) not in text:
                self.problems.append(f"{label}: not shown as text: {value[:90]!r}")
        return text

    def close(self) -> None:
        self.context.close()
