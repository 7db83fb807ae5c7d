"""Fault proofs without live notes: PostgreSQL restarted under HTTP load, the background worker
restarted mid-task, and a form submitted twice."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections import Counter

from . import world
from .infra import Stack
from .report import Report
from .web import DUTCH_ERROR, Client, LoadLoop, hidden_value, percentile

OUTAGE_SECONDS = 6
RECOVERY_LIMIT_SECONDS = 30


def _summary(samples) -> str:
    statuses = Counter(s.status for s in samples)
    return ", ".join(f"{k or 'no answer'}: {v}" for k, v in sorted(statuses.items()))


def postgres_restart(stack: Stack) -> Report:
    """HTTP load on public pages and the dashboard while the private PostgreSQL stops hard
    (immediate shutdown, as a crash) and comes back; the app process is never restarted."""
    report = Report("PostgreSQL restarted under HTTP load")
    server = stack.server("pg-web")
    server.start()
    pid = server.process.pid
    dashboard_cookies = {
        world.session_cookie_name(): world.verified_session("coordinator@veilighuis.example")
    }
    paths = [(p, {}) for p in world.public_paths(4)] + [("/samenwerking/", dashboard_cookies)]
    world.reconnect()
    load = LoadLoop([server.port], paths, threads=6, timeout=15)
    load.start()
    try:
        time.sleep(4)
        t_down = time.monotonic()
        stack.postgres.stop("immediate")
        time.sleep(OUTAGE_SECONDS)
        t_up_begin = time.monotonic()
        stack.postgres.start()
        t_up = time.monotonic()
        # recovered: every response of 3 consecutive seconds is a 200
        recovered_at = None
        while time.monotonic() - t_up < RECOVERY_LIMIT_SECONDS:
            time.sleep(0.5)
            now = time.monotonic()
            window = load.between(now - 3, now)
            first_ok = [s for s in load.between(t_up, now) if s.status == 200]
            if now - t_up > 3 and window and all(s.status == 200 for s in window) and first_ok:
                recovered_at = first_ok[0].at
                # every path answers 200 again, the dashboard included
                if {p for p, _c in paths} <= {s.path for s in window}:
                    break
        time.sleep(1)
    finally:
        load.stop()
        world.reconnect()
    before = load.between(0, t_down)
    during = load.overlapping(t_down, t_up)
    after_window = load.between(time.monotonic() - 4, time.monotonic())
    failed = [s for s in during if s.status != 200]
    report.figure(
        f"{len(load.samples)} requests by 6 threads over {len(paths)} paths; database down "
        f"{t_up - t_down:.1f} s (restart took {t_up - t_up_begin:.1f} s)"
    )
    report.figure(f"before the outage: {_summary(before)}")
    report.figure(f"during the outage: {_summary(during)}")
    if recovered_at is not None:
        report.figure(f"first 200 after {recovered_at - t_up:.2f} s from PostgreSQL being up again")
    report.check(before and all(s.status == 200 for s in before), "all 200 before the outage")
    report.check(len(failed) > 0, "the outage was felt (requests failed while PostgreSQL was down)")
    report.check(
        all(s.status in (500, 503) for s in failed),
        "every failing request answered 500 or 503 (no hang, no dropped connection)",
    )
    report.check(
        all(s.dutch_error_page for s in failed),
        f"every failing request shows the Dutch error page ('{DUTCH_ERROR}')",
    )
    leaked = [s for s in load.samples if s.leaked]
    report.check(not leaked, "no stack trace or database detail in any response")
    report.check(recovered_at is not None, f"recovered by itself within {RECOVERY_LIMIT_SECONDS} s")
    report.check(
        bool(after_window) and all(s.status == 200 for s in after_window),
        f"all 200 at the end ({_summary(after_window)})",
    )
    report.check(
        server.process is not None and server.process.poll() is None and server.process.pid == pid,
        "the same server process served throughout (no restart)",
    )
    if during:
        latencies = [s.seconds * 1000 for s in during]
        report.figure(
            f"latency during the outage p50 {percentile(latencies, 50):.0f} ms, max {max(latencies):.0f} ms"
        )
    server.kill()
    return report


def _wait_for_runs(log: str, at_least: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if sum(world.proof_task_runs(log).values()) >= at_least:
            return
        time.sleep(0.05)


def _wait_all_finished(ids: list[str], seconds: float) -> dict[str, str]:
    """Until every task finished, or nothing is READY and the rest stayed put for 5 s."""
    deadline = time.monotonic() + seconds
    statuses: dict[str, str] = {}
    idle_since = None
    while time.monotonic() < deadline:
        previous, statuses = statuses, world.task_statuses(ids)
        if all(s in ("SUCCESSFUL", "FAILED") for s in statuses.values()):
            break
        if "READY" not in statuses.values() and statuses == previous:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since > 5:
                break
        else:
            idle_since = None
        time.sleep(0.2)
    return statuses


def worker_restart(stack: Stack) -> Report:
    """Tasks on the django-tasks database backend; ``manage.py db_worker`` stopped mid-task and
    started again. Two ways to stop it: SIGTERM (a deploy, ``docker stop``) and SIGKILL (a
    crash, the OOM killer, ``docker stop`` after its grace period)."""
    report = Report("Background worker restarted")
    for how, sig in (("SIGTERM", signal.SIGTERM), ("SIGKILL", signal.SIGKILL)):
        count = 12
        log = str(stack.workdir.path / f"tasks-{how}.log")
        ids = world.enqueue_proof_tasks(count, 0.4, log)
        worker = stack.start_worker(f"worker-{how}")
        _wait_for_runs(log, 3, 60)
        time.sleep(0.2)  # the worker is now inside the 4th or 5th task
        ran_before = sum(world.proof_task_runs(log).values())
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, sig)
        worker.wait(timeout=30)
        interrupted = [pk for pk, s in world.task_statuses(ids).items() if s == "RUNNING"]
        stack.start_worker(f"worker-{how}-again")
        statuses = _wait_all_finished(ids, 30)
        runs = world.proof_task_runs(log)
        by_status = Counter(statuses.values())
        report.figure(
            f"{how}: {count} tasks of 0.4 s, worker stopped after {ran_before} ran "
            f"(exit {worker.returncode}); left RUNNING at the stop: {len(interrupted)}; "
            f"final statuses {dict(by_status)}; bodies run {sum(runs.values())} times"
        )
        report.check(
            by_status.get("SUCCESSFUL", 0) == count,
            f"{how}: all {count} tasks end successful (no task lost)",
        )
        report.check(
            all(runs.get(n, 0) >= 1 for n in range(count)),
            f"{how}: every task's body ran",
        )
        if by_status.get("SUCCESSFUL", 0) != count:
            stuck = [pk for pk, s in statuses.items() if s != "SUCCESSFUL"]
            report.figure(f"{how}: not successful: {stuck} ({[statuses[s] for s in stuck]})")
        for process in list(stack.workers):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
    return report


def _consult_form(client: Client, path: str) -> dict[str, str]:
    page = client.get(path)
    if page.status != 200:
        raise AssertionError(f"consult page answered {page.status}")
    return {
        "csrfmiddlewaretoken": hidden_value(page.body, "csrfmiddlewaretoken"),
        "shown_at": hidden_value(page.body, "shown_at"),
        "once": hidden_value(page.body, "once"),
    }


def double_submit(stack: Stack) -> Report:
    """The same form sent twice: one after the other (a second click, a resent POST after a
    slow answer) and at the same moment (a double click). One record is expected."""
    report = Report("A form submitted twice")
    server = stack.server("form-web")
    server.start()
    world.reconnect()

    # 1. the public consult form
    path = world.consult_page_path()
    for mode in ("one after the other", "at the same moment"):
        marker = f"proof-{mode[:6].replace(' ', '')}-{time.time_ns()}"
        client = Client(server.port)
        tokens = _consult_form(client, path)
        time.sleep(3.3)  # the form refuses answers faster than a person (3 s)
        data = {
            **tokens,
            "name": "Proef Persoon",
            "organisation": "Proefschool (fictief)",
            "email": "proef@example.org",
            "phone": "",
            "region": "oost-vlaanderen",
            "question": f"Een fictieve vraag om dubbel versturen te testen ({marker}).",
            "website": "",
        }
        statuses = []
        if mode == "one after the other":
            for _ in range(2):
                statuses.append(client.post(path, data).status)
        else:
            cookies = dict(client.cookies)
            barrier = threading.Barrier(2)

            def send(
                out: list[int], cookies: dict = cookies, data: dict = data, barrier=barrier
            ) -> None:
                other = Client(server.port, cookies=cookies)
                barrier.wait()
                out.append(other.post(path, data).status)

            threads = [threading.Thread(target=send, args=(statuses,)) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        records = world.consult_count(marker)
        report.figure(f"consult form, twice {mode}: answers {statuses}, records {records}")
        report.check(
            records == 1, f"consult form sent twice {mode} creates one record (got {records})"
        )

    # 2. a referral by a signed-in professional
    session = world.verified_session("partner@caw.example")
    for mode in ("one after the other", "at the same moment"):
        marker = f"proef-{time.time_ns()}"
        client = Client(server.port, cookies={world.session_cookie_name(): session})
        page = client.get("/samenwerking/aanmeldingen/nieuw/")
        if not report.check(page.status == 200, f"referral form opens ({page.status})"):
            break
        import re

        organisation = re.search(r'<option value="(\d+)"', page.body)
        data = [
            ("csrfmiddlewaretoken", hidden_value(page.body, "csrfmiddlewaretoken")),
            ("once", hidden_value(page.body, "once")),
            ("organisation", organisation.group(1) if organisation else ""),
            ("family_composition", f"moeder, twee kinderen (fictief, {marker})"),
            (
                "violence_forms",
                re.search(r'name="violence_forms" value="([^"]+)"', page.body).group(1),
            ),
            ("life_domains", re.search(r'name="life_domains" value="([^"]+)"', page.body).group(1)),
            ("criterion_complexity", "Fictief: afstemming met politie nodig."),
            ("criterion_multiple_domains", "Fictief: wonen, school en werk."),
            ("criterion_stuck_help", "Fictief: de hulp loopt vast."),
            ("services_involved", ""),
            ("urgency", "normal"),
        ]
        statuses = []
        if mode == "one after the other":
            for _ in range(2):
                statuses.append(client.post("/samenwerking/aanmeldingen/nieuw/", data).status)
        else:
            cookies = dict(client.cookies)
            barrier = threading.Barrier(2)

            def send(
                out: list[int], cookies: dict = cookies, data: list = data, barrier=barrier
            ) -> None:
                other = Client(server.port, cookies=cookies)
                barrier.wait()
                out.append(other.post("/samenwerking/aanmeldingen/nieuw/", data).status)

            threads = [threading.Thread(target=send, args=(statuses,)) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        records = world.referral_count(marker)
        report.figure(f"referral form, twice {mode}: answers {statuses}, records {records}")
        report.check(
            records == 1, f"referral form sent twice {mode} creates one record (got {records})"
        )
    server.kill()
    return report
