"""Helpers for the browser journeys: people of fictional partner agencies (built in
tests/factories/worlds.py), signing in through
the real sign-in pages (password, then a TOTP code), and a record of every page a journey
visits so that it can show that axe checked each distinct one."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tests.axe import assert_no_axe_violations
from tests.factories.people import PASSWORD, totp_code
from tests.factories.worlds import Person

REFERENCE = re.compile(r"\b[A-Z]{2,}-[A-Z0-9]+(?:-[A-Z0-9]+)+\b")


def _generic(text: str) -> str:
    return re.sub(r"\d+", "N", REFERENCE.sub("REF", text))


def page_key(url: str) -> str:
    """One key per kind of page: numbers and case references become placeholders."""
    return _generic(urlsplit(url).path)


def unused_code(device: Any) -> str:
    """The code the person's app shows once it is one the server has not yet accepted.

    A code is accepted once (replay protection); a quick journey signed the coordinator in
    twice within one 30-second step and the second sign-in was, rightly, refused. A person
    then waits for the next code; so does this, by watching the clock, never a fixed sleep.
    """
    device.refresh_from_db(fields=["last_t"])
    while int((time.time() - device.t0) // device.step) <= device.last_t:
        time.sleep(0.1)
    return totp_code(device)


@dataclass
class Journey:
    """Browser contexts of one journey, the pages they visit and the pages axe checked.

    Every main-frame navigation is recorded; ``axe`` checks a kind of page (its address and
    title, numbers and references left out) the first time, or again with ``again=True`` when
    the same page shows a new state. Console errors, CSP
    reports, script errors and server errors (5xx) on any page are collected in ``problems``.
    """

    browser: Any
    base_url: str
    visited: dict[str, str] = field(default_factory=dict)
    checked: set[str] = field(default_factory=set)
    checked_states: set[tuple[str, str]] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    contexts: list[Any] = field(default_factory=list)

    def new_page(self) -> Any:
        context = self.browser.new_context(locale="nl-BE")
        self.contexts.append(context)
        page = context.new_page()

        def on_navigated(frame: Any) -> None:
            if frame == page.main_frame and frame.url.startswith(self.base_url):
                self.visited.setdefault(page_key(frame.url), frame.url)

        def on_console(message: Any) -> None:
            if message.location.get("url", "").endswith("/favicon.ico"):
                return  # the site has no favicon; not a page's concern
            if message.type == "error" or "Content Security Policy" in message.text:
                self.problems.append(f"{page.url}: {message.text}")

        def on_response(response: Any) -> None:
            if response.status >= 500:
                self.problems.append(f"{response.status} from {response.url}")

        page.on("framenavigated", on_navigated)
        page.on("console", on_console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        page.on("response", on_response)
        return page

    def axe(self, page: Any, *, again: bool = False) -> None:
        page.wait_for_load_state()
        key = page_key(page.url)
        state = (key, _generic(page.title()))
        if state in self.checked_states and not again:
            return
        assert_no_axe_violations(page)
        self.checked.add(key)
        self.checked_states.add(state)

    def sign_in(self, person: Person, path: str) -> Any:
        """A new browser context that asks for ``path``, is sent to the sign-in page, gives
        the password and then the code from the person's authenticator app."""
        page = self.new_page()
        page.goto(self.base_url + path)
        assert "/account/aanmelden/" in page.url, page.url
        first_sign_in = page_key(page.url) not in self.checked
        self.axe(page)
        page.get_by_label("E-mailadres").fill(person.email)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Verder").click()
        code = page.get_by_label("Code van 6 cijfers")
        code.wait_for()
        if first_sign_in:
            self.axe(page, again=True)  # the code step, same address
        code.fill(unused_code(person.device))
        page.get_by_role("button", name="Verder").click()
        page.wait_for_url(self.base_url + path)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()

    def unchecked(self) -> dict[str, str]:
        return {key: url for key, url in self.visited.items() if key not in self.checked}
