"""Audit benchmark: the cost of auditing a case update, and the audit viewer on a big trail.

Prints (1) an audited case update (django-auditlog change history + our chained access record)
against the same update with both switched off, target ratio <= 1.3; (2) the viewer's p50/p95
on PostgreSQL with 1,000,000 audit records, target p95 < 200 ms.

Uses its own database ``vh_bench_audit`` on the server of DATABASE_URL (seeded once, reused
by later runs). Without a PostgreSQL DATABASE_URL it runs on a SQLite file with 100,000 records
and says so. Only touches 127.0.0.1.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = BASE_URL.startswith("postgres")
TARGET_ROWS = int(os.environ.get("BENCH_AUDIT_ROWS", 1_000_000 if ON_POSTGRES else 100_000))
DB_NAME = "vh_bench_audit"


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
        os.environ["DATABASE_URL"] = "sqlite:////tmp/vh_bench_audit.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115


def seed_trail() -> None:
    from django.db import transaction

    from portal.accounts.models import User
    from portal.audit.events import AuditAction, Outcome
    from portal.audit.models import AuditEvent
    from portal.audit.writer import FORMAT_VERSION, GENESIS_HASH, compute_hash

    have = AuditEvent.objects.count()
    if have >= TARGET_ROWS and verify_chain_quickly():
        print(f"audit trail: {have:,} records (reused)")
        analyse()
        return
    # The benchmark's own database: start the trail afresh (as the superuser, the append-only
    # trigger switched off for this session), so that it is one valid chain of the current
    # format in time order, the records of the demo content included in no particular place.
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditevent")
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")
    have = 0
    users = list(User.objects.all()[:7])
    organisations = [
        "Veilig Huis Oost-Vlaanderen",
        "CAW Oost-Vlaanderen",
        "Politiezone Gent",
        "CGG Eclips",
    ]
    actions = [
        AuditAction.CASE_VIEWED,
        AuditAction.CASE_LIST_VIEWED,
        AuditAction.CASE_CHANGED,
        AuditAction.DOCUMENT_DOWNLOADED,
    ]
    last = GENESIS_HASH
    started = time.monotonic()
    from django.utils import timezone

    now = timezone.now()
    batch: list[AuditEvent] = []
    for number in range(have, TARGET_ROWS):
        user = users[number % len(users)]
        event = AuditEvent(
            occurred_at=now - timezone.timedelta(seconds=(TARGET_ROWS - number) * 30),
            action=int(actions[number % len(actions)]),
            outcome=str(Outcome.DENIED if number % 97 == 0 else Outcome.ALLOWED),
            actor=user,
            actor_label=user.email,
            organisation=organisations[number % len(organisations)],
            role="participant",
            object_type="case",
            object_id=str(number % 10_000),
            case_reference=f"VH-OVL-2025-{number % 10_000:04d}",
            ip_address="127.0.0.1",
            session_ref="bench",
            correlation_id=f"{number:032x}",
            extra={},
            format_version=FORMAT_VERSION,
        )
        event.prev_hash = last
        event.hash = last = compute_hash(event, last)
        batch.append(event)
        if len(batch) == 5000:
            with transaction.atomic():
                AuditEvent.objects.bulk_create(
                    batch
                )  # seeding the benchmark only; the app writes one by one
            batch = []
    if batch:
        AuditEvent.objects.bulk_create(batch)
    print(
        f"audit trail: seeded to {AuditEvent.objects.count():,} records in {time.monotonic() - started:.0f} s"
    )
    analyse()


def verify_chain_quickly() -> bool:
    """Whether the stored trail was seeded in the current format (older seeds were not)."""
    from portal.audit.models import AuditEvent
    from portal.audit.writer import FORMAT_VERSION

    return not AuditEvent.objects.exclude(format_version=FORMAT_VERSION).exists()


def analyse() -> None:
    """Refresh the planner's statistics, as autovacuum does after a bulk of inserts: measured
    straight after seeding, the planner still believes the table is nearly empty and picks
    plans no production database would (355 ms instead of 35 ms for action + period)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE audit_auditevent")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench_update_cost(rounds: int = 300) -> None:
    from auditlog.context import disable_auditlog
    from django.db import transaction

    import collaboration.services._common as common
    from collaboration.models import Case
    from collaboration.services.cases import family_member_add
    from portal.accounts.models import User

    actor = User.objects.get(email="regisseur@veilighuis.example")
    case, _ = Case.objects.get_or_create(
        reference="VH-OVL-2099-0001", defaults={"region": "oost-vlaanderen", "case_director": actor}
    )
    real_record = common.record_event

    def one(audited: bool) -> float:
        started = time.perf_counter()
        with transaction.atomic():
            if audited:
                family_member_add(
                    actor=actor,
                    case=case,
                    name="Bench Persoon",
                    birth_year=2010,
                    family_role="child",
                )
            else:
                with disable_auditlog():
                    family_member_add(
                        actor=actor,
                        case=case,
                        name="Bench Persoon",
                        birth_year=2010,
                        family_role="child",
                    )
        return (time.perf_counter() - started) * 1000

    audited: list[float] = []
    plain: list[float] = []
    for _ in range(20):  # warm up
        one(True)
    try:
        for number in range(rounds * 2):
            if number % 2:
                common.record_event = real_record
                audited.append(one(True))
            else:
                common.record_event = lambda **kwargs: None  # auditing off, for comparison only
                plain.append(one(False))
    finally:
        common.record_event = real_record
    ratio = statistics.median(audited) / statistics.median(plain)
    print(
        f"case update (family member added), {rounds} each: audited median {statistics.median(audited):.2f} ms "
        f"p95 {percentile(audited, 0.95):.2f} ms; auditing off median {statistics.median(plain):.2f} ms "
        f"p95 {percentile(plain, 0.95):.2f} ms; ratio {ratio:.2f}x (target <= 1.3x)"
    )


def bench_viewer(rounds_per_filter: int = 40) -> None:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.accounts.models import User

    officer = User.objects.get(email="privacy@veilighuis.example")
    client = Client()
    client.force_login(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.filter(user=officer).first().persistent_id
    session.save()
    from portal.audit.models import AuditEvent

    middle = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[TARGET_ROWS // 2]
    filters = {
        "no filter": {},
        "one user": {"user": "partner@caw.example"},
        "one case": {"case": "VH-OVL-2025-0421"},
        "one organisation": {"organisation": "Politiezone Gent"},
        "denied only": {"outcome": "denied"},
        "action + period": {"action": 203, "date_from": "2026-01-01", "date_to": "2026-06-30"},
        "deep page": {"voor": middle},
    }
    everything: list[float] = []
    for name, params in filters.items():
        timings = []
        for _ in range(rounds_per_filter):
            started = time.perf_counter()
            response = client.get("/audit/", params)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"viewer answered {response.status_code}")
        everything += timings
        print(
            f"  viewer {name:<17} p50 {statistics.median(timings):6.1f} ms  p95 {percentile(timings, 0.95):6.1f} ms"
        )
    print(
        f"audit viewer over {AuditEvent.objects.count():,} records: p50 {statistics.median(everything):.1f} ms, "
        f"p95 {percentile(everything, 0.95):.1f} ms (target p95 < 200 ms)"
        + ("" if ON_POSTGRES else " [SQLite: set DATABASE_URL to PostgreSQL for the real figure]")
    )


def bench_verify(rounds: int = 2) -> None:
    """``audit_verify``'s checks over the whole trail (1,000,000 records on PostgreSQL) with
    a signed and witnessed checkpoint of it; target under 10 s."""
    import tempfile

    from portal.audit.transparency.note import SIG_COSIGNATURE_V1, generate_key_file, load_signer
    from portal.audit.transparency.signer import LogSigner
    from portal.audit.transparency.store import CheckpointStore
    from portal.audit.transparency.verify import verify_trail
    from portal.audit.transparency.witness import Witness

    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        generate_key_file(root / "log.key")
        generate_key_file(root / "witness.key")
        log_key = load_signer(root / "log.key", name="bench.example/audit")
        witness_key = load_signer(
            root / "witness.key", name="bench.example/witness", sig_type=SIG_COSIGNATURE_V1
        )
        store = CheckpointStore(root / "checkpoints")
        log = LogSigner(signer=log_key, store=store, origin="bench.example/audit")
        log.read_new_records()
        note = log.checkpoint()
        if note is None:
            raise SystemExit("no checkpoint was made")
        witness = Witness(signer=witness_key, logs=[log_key.verifier], state=root / "witness")
        line = witness.add_checkpoint(f"old 0\n\n{note.render()}")
        from portal.audit.transparency.note import Note

        store.add_witnessed(Note.parse(note.render() + line))
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            report = verify_trail(
                checkpoint_dir=str(root / "checkpoints"),
                log_vkey=log_key.verifier.vkey,
                witness_vkeys=[witness_key.verifier.vkey],
            )
            timings.append(time.perf_counter() - started)
            if not report.ok:
                raise SystemExit(f"the bench trail does not verify: {report.problems[:3]}")
    print(
        f"audit_verify over {report.records:,} records with a witnessed checkpoint: best "
        f"{min(timings):.1f} s of {rounds} (target < 10 s; {os.cpu_count()} cores)"
    )


def main() -> None:
    prepare_database()
    seed_trail()
    bench_verify()
    bench_update_cost()
    bench_viewer()


if __name__ == "__main__":
    main()
