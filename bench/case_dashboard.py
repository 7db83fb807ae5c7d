"""Case-workspace benchmark: dashboard, case list and case page on a big region.

Seeds (once) 10,000 cases and 100,000 timeline entries (a fifth of them restricted to chosen
sectors), 30,000 participations, 20,000 actions and 10,000 meetings, then requests each page
through the whole Django stack (middleware, second-factor gate, selectors with their audit
record, templates) and prints p50/p95 and the number of queries. Target: p95 < 100 ms.

Uses its own database ``vh_bench_cases`` on the server of DATABASE_URL (seeded once, reused).
Without a PostgreSQL DATABASE_URL it runs on a SQLite file and says so. Only touches 127.0.0.1.
"""

# ruff: noqa: S101, S106, S311  (a benchmark: asserts stop it early, fixed seeds, throwaway users)
from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = BASE_URL.startswith("postgres")
CASES = int(os.environ.get("BENCH_CASES", 10_000))
ENTRIES_PER_CASE = 10
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 60))
DB_NAME = "vh_bench_cases"
TARGET_P95_MS = 100.0


def prepare_database() -> None:
    if ON_POSTGRES:
        import psycopg

        server = BASE_URL.rsplit("/", 1)[0]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]
            ).fetchone()
            if not exists:
                conn.execute(f"CREATE DATABASE {DB_NAME}")
        os.environ["DATABASE_URL"] = f"{server}/{DB_NAME}"
    else:
        os.environ["DATABASE_URL"] = "sqlite:////tmp/vh_bench_cases.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def analyze() -> None:
    """Fresh statistics after the bulk load, as autovacuum would give a real database."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def seed() -> dict:
    """Create the bench world unless it is there already; return the people to measure as."""
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from collaboration.models import (
        Action,
        ActionPlan,
        Audience,
        Case,
        CaseParticipant,
        FamilyMember,
        Goal,
        Meeting,
        Membership,
        Organisation,
        Region,
        Role,
        TimelineEntry,
    )
    from portal.accounts.models import User

    def person(email: str, name: str) -> User:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password="bench-only-password-123", full_name=name
        )
        TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        return user

    ovl = Region.OOST_VLAANDEREN
    if Case.objects.count() >= CASES:
        return {
            "coordinator": User.objects.get(email="coord@bench.example"),
            "director": User.objects.get(email="regie0@bench.example"),
            "partner": User.objects.get(email="partner0@bench.example"),
        }
    started = time.monotonic()
    rng = random.Random(42)
    regions = [r for r in Region.values]
    with transaction.atomic():
        vh = Organisation.objects.create(
            name="Veilig Huis Bench", kind="veilig_huis", sector="welfare", region=ovl
        )
        partner_orgs = [
            Organisation.objects.create(
                name=f"Bench {kind} {i}", kind=kind, sector=sector, region=ovl
            )
            for i, (kind, sector) in enumerate(
                [
                    ("caw", "welfare"),
                    ("police", "police"),
                    ("parket", "justice"),
                    ("cgg", "health"),
                    ("clb", "education"),
                    ("ocmw", "welfare"),
                ]
                * 3
            )
        ]
        coordinator = person("coord@bench.example", "Bench Coördinator")
        Membership.objects.create(user=coordinator, organisation=vh, role=Role.COORDINATOR)
        directors = []
        for i in range(40):
            user = person(f"regie{i}@bench.example", f"Bench Regisseur {i}")
            Membership.objects.create(user=user, organisation=vh, role=Role.CASE_DIRECTOR)
            directors.append(user)
        partners = []
        for i in range(200):
            user = person(f"partner{i}@bench.example", f"Bench Partner {i}")
            org = partner_orgs[i % len(partner_orgs)]
            Membership.objects.create(user=user, organisation=org, role=Role.PARTNER)
            partners.append((user, org))
        today = dt.date.today()
        phases = ["exploration", "execution", "execution", "completion", "closed"]
        cases = Case.objects.bulk_create(
            [
                Case(
                    reference=f"VH-BEN-{i:06d}",
                    # half the cases in the coordinator's region, the rest spread out
                    region=ovl if i % 2 == 0 else rng.choice(regions),
                    phase=(phase := phases[i % len(phases)]),
                    closing_summary="Afgerond (bench)." if phase == "closed" else "",
                    case_director=directors[i % len(directors)],
                )
                for i in range(CASES)
            ],
            batch_size=2000,
        )
        participants, family = [], []
        for i, case in enumerate(cases):
            chosen = {partners[0][0].pk: partners[0]} if i % 25 == 0 else {}
            while len(chosen) < 3:
                user, org = rng.choice(partners)
                chosen[user.pk] = (user, org)
            for user, org in chosen.values():
                participants.append(
                    CaseParticipant(case=case, user=user, organisation=org, role_in_case="Partner")
                )
            family += [
                FamilyMember(case=case, name=f"Fictief {i} A", family_role="mother"),
                FamilyMember(case=case, name=f"Fictief {i} B", family_role="child"),
            ]
        CaseParticipant.objects.bulk_create(participants, batch_size=5000)
        FamilyMember.objects.bulk_create(family, batch_size=5000)
        plans = ActionPlan.objects.bulk_create(
            [
                ActionPlan(
                    case=c, version=1, created_by=c.case_director, presented_in_team_on=today
                )
                for c in cases
            ],
            batch_size=5000,
        )
        goals = Goal.objects.bulk_create(
            [Goal(plan=p, domain="safety", description="Het geweld stopt.") for p in plans],
            batch_size=5000,
        )
        by_case = {p.case_id: p for p in plans}
        goal_by_plan = {g.plan_id: g for g in goals}
        actions = []
        for i, case in enumerate(cases):
            goal = goal_by_plan[by_case[case.pk].pk]
            for k in range(2):
                user, org = participants[i * 3 + k].user, participants[i * 3 + k].organisation
                actions.append(
                    Action(
                        goal=goal,
                        case=case,
                        description="Actie (bench)",
                        organisation=org,
                        responsible=user,
                        due_date=today + dt.timedelta(days=rng.randint(-30, 60)),
                    )
                )
        Action.objects.bulk_create(actions, batch_size=5000)
        now = dt.datetime.now(dt.UTC)
        Meeting.objects.bulk_create(
            [
                Meeting(
                    case=c,
                    kind="network",
                    starts_at=now + dt.timedelta(days=rng.randint(-60, 60)),
                    place="Gent",
                    created_by=c.case_director,
                )
                for c in cases
            ],
            batch_size=5000,
        )
        entries = TimelineEntry.objects.bulk_create(
            [
                TimelineEntry(
                    case=case,
                    kind="note" if k % 5 else "police",
                    occurred_on=today - dt.timedelta(days=rng.randint(0, 700)),
                    title=f"Gebeurtenis {k}",
                    body="Fictieve beschrijving van wat er gebeurde. " * 4,
                    author=case.case_director,
                    visibility="audience" if k % 5 == 0 else "all",
                )
                for case in cases
                for k in range(ENTRIES_PER_CASE)
            ],
            batch_size=5000,
        )
        Audience.objects.bulk_create(
            [
                Audience(entry=e, sector=s)
                for e in entries
                if e.visibility == "audience"
                for s in ("police", "justice")
            ],
            batch_size=5000,
        )
    print(
        f"seeded {CASES:,} cases, {len(entries):,} timeline entries in "
        f"{time.monotonic() - started:.0f} s"
    )
    return {"coordinator": coordinator, "director": directors[0], "partner": partners[0][0]}


def client_for(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.filter(user=user).first().persistent_id
    session.save()
    return client


def measure(label: str, client, urls: list[str]) -> tuple[str, float, float, int]:
    from django.db import connection

    for url in urls[:5]:
        assert client.get(url).status_code == 200, url
    timings = []
    for i in range(REQUESTS):
        url = urls[i % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(urls[0])
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    return label, p50, p95, len(queries)


def main() -> int:
    prepare_database()
    people = seed()
    analyze()
    from django.urls import reverse

    from collaboration.access import actor_profile, visible_cases
    from collaboration.models import Case, TimelineEntry

    print(
        f"database: {'PostgreSQL' if ON_POSTGRES else 'SQLite (figures are indicative only)'}; "
        f"{Case.objects.count():,} cases, {TimelineEntry.objects.count():,} timeline entries"
    )
    rng = random.Random(7)
    results = []
    for who in ("coordinator", "director", "partner"):
        user = people[who]
        client = client_for(user)
        visible = list(
            visible_cases(actor_profile(user)).values_list("reference", flat=True)[:2000]
        )
        sample = [
            reverse("collaboration:case_detail", args=[ref]) for ref in rng.sample(visible, 30)
        ]
        print(f"{who}: sees {visible_cases(actor_profile(user)).count():,} cases")
        results.append(measure(f"dashboard ({who})", client, [reverse("collaboration:home")]))
        results.append(measure(f"case page ({who})", client, sample))
    coordinator = client_for(people["coordinator"])
    results.append(
        measure(
            "case list, page 1 (coordinator)", coordinator, [reverse("collaboration:case_list")]
        )
    )
    results.append(
        measure(
            "case search by name (coordinator)",
            coordinator,
            [reverse("collaboration:case_list") + "?q=Fictief+123+A"],
        )
    )
    print(f"\n{'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    worst = 0.0
    for label, p50, p95, queries in results:
        print(f"{label:<40} {p50:8.1f} {p95:8.1f} {queries:8d}")
        if label.startswith(("dashboard", "case page")):
            worst = max(worst, p95)
    verdict = "met" if worst < TARGET_P95_MS else "NOT met"
    print(
        f"\ndashboard and case page: worst p95 {worst:.1f} ms; target p95 < "
        f"{TARGET_P95_MS:.0f} ms {verdict} ({REQUESTS} requests per page)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
