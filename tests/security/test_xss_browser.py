"""XSS and HTML injection: hostile text stored through the real services is rendered in
headless Chromium on the pages that show it. No script may run and no injected element may
appear; the text must be shown as text. (The CSP would also block inline script, so the test
looks at the DOM, not only at whether script ran.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.factories.legal_bases import standing_basis
from tests.factories.organisations import MembershipFactory, OrganisationFactory
from tests.factories.people import verify_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORPUS = [
    "<script>window.__xss=1</script>",
    '"><img src=x onerror="window.__xss=1">',
    "'><svg onload=window.__xss=1>",
    '<a href="javascript:window.__xss=1">klik</a>',
    "<iframe srcdoc='<script>parent.__xss=1</script>'></iframe>",
    "{{ 7*7 }}<b>vet</b>&lt;i&gt;",
]
INJECTED = "img[src='x'], svg[onload], iframe[srcdoc], script:not([src]), a[href^='javascript:'], b"


def _login(page, live_server, user) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="default"
    )
    client = Client()
    client.force_login(user)
    verify_session(client, device)
    page.context.add_cookies(
        [
            {
                "name": "vh_session",
                "value": client.cookies["vh_session"].value,
                "url": live_server.url,
            }
        ]
    )


def _assert_inert(page, payload: str) -> None:
    assert page.evaluate("window.__xss === undefined"), payload
    injected = page.evaluate(f'document.querySelectorAll("main {INJECTED}").length')
    assert injected == 0, payload


def test_search_query_is_rendered_as_text(live_server, page) -> None:
    from content.demo import ensure_home_page

    ensure_home_page()
    from urllib.parse import quote

    for payload in CORPUS:
        response = page.goto(f"{live_server.url}/zoeken/?q={quote(payload)}")
        assert response.status == 200, (payload, response.status, page.url, page.content()[:500])
        _assert_inert(page, payload)
        # The search page's own field (the header's search field stays empty).
        assert payload in page.input_value("main input[name='q']")


def test_case_timeline_and_audit_show_hostile_text_as_text(live_server, page, make_user) -> None:
    from collaboration.models import Case
    from collaboration.services.timeline import timeline_entry_add
    from portal.audit.events import AuditAction
    from portal.audit.writer import record_event

    organisation = OrganisationFactory(
        name="VH XSS", kind="veilig_huis", sector="welfare", region="leuven"
    )
    director = make_user(email="regie-xss@test.example")
    MembershipFactory(user=director, organisation=organisation, role="case_director")
    MembershipFactory(user=director, organisation=organisation, role="privacy_officer")
    case = Case.objects.create(
        reference="VH-LEU-2026-0099", region="leuven", case_director=director
    )
    for number, payload in enumerate(CORPUS):
        timeline_entry_add(
            actor=director,
            case=case,
            legal_basis_id=standing_basis(case),
            kind="note",
            occurred_on=dt.date(2026, 1, 1 + number),
            title=payload[:200],
            body=f"Omschrijving {payload}",
        )
        record_event(
            action=AuditAction.CASE_VIEWED,
            actor=director,
            purpose=payload,
            case_reference=case.reference,
        )
    _login(page, live_server, director)
    page.goto(f"{live_server.url}/samenwerking/dossiers/{case.reference}/")
    assert page.get_by_role("heading", level=1).count() == 1
    for payload in CORPUS:
        _assert_inert(page, payload)
    page.goto(f"{live_server.url}/audit/?case={case.reference}")
    for payload in CORPUS:
        _assert_inert(page, payload)
    # The purpose sits in each event's folded details: open them as a reader would.
    page.locator("main details").evaluate_all("all => all.forEach(d => { d.open = true; })")
    text = page.inner_text("main")
    assert "<script>window.__xss=1</script>" in text  # shown, literally
