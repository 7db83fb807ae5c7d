"""The tamper suite (issue 18): what a database superuser, an operator with the backups or a
thief of the signer's key could do to the audit trail, and how ``audit_verify`` finds each.

Every case runs on PostgreSQL as the superuser (the append-only trigger is switched off or
dropped, as such an attacker would), with a real witness process and real signed checkpoints.
Where the chain alone cannot see the change (the attacker recomputed it, or removed records at
the end), the test first shows that ``verify_chain`` still says "intact", so the case fails
without the defence it is about: the signed checkpoint, the witness, or the time rules.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.audit.transparency.log import CheckpointConflict, CheckpointStore
from portal.audit.transparency.note import Checkpoint, generate_key_file, load_signer, sign_note
from portal.audit.transparency.signer import LogSigner
from portal.audit.transparency.verify import TrailReport, verify_trail
from portal.audit.verify import verify_chain
from portal.audit.writer import compute_hash, record_event

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

ORIGIN = "veilighuis.example/audit"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Trail:
    """Keys, the checkpoint directory and a running witness process, as in production."""

    root: Path
    witness_url: str
    witness_vkey: str
    process: subprocess.Popen

    @property
    def log_key(self) -> Path:
        return self.root / "log.key"

    @property
    def log_vkey(self) -> str:
        return load_signer(self.log_key, name=ORIGIN).verifier.vkey

    @property
    def store(self) -> CheckpointStore:
        return CheckpointStore(self.root / "checkpoints")

    def signer(self, key: Path | None = None) -> LogSigner:
        from portal.audit.transparency.signer import WitnessState

        log = LogSigner(
            signer=load_signer(key or self.log_key, name=ORIGIN),
            store=self.store,
            origin=ORIGIN,
            witnesses=[WitnessState(self.witness_url)],
        )
        log.read_new_records()
        return log

    def checkpoint(self) -> int:
        """One round of the signer: returns the size it checkpointed and had witnessed."""
        log = self.signer()
        log.check_against_latest()
        log.checkpoint()
        assert log.submit_pending() >= 0
        return log.tree.size

    def verify(self, **kwargs) -> TrailReport:
        return verify_trail(
            checkpoint_dir=str(self.root / "checkpoints"),
            log_vkey=self.log_vkey,
            witness_vkeys=[self.witness_vkey],
            **kwargs,
        )


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, "the witness exited"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the witness did not start")


def start_witness(
    root: Path, log_vkey: str, port: int | None = None
) -> tuple[subprocess.Popen, str, str]:
    port = port or _free_port()
    args = [
        sys.executable,
        "-m",
        "portal.audit.transparency.witness",
        "--key",
        str(root / "witness.key"),
        "--state",
        str(root / "witness-state"),
        "--log-vkey",
        log_vkey,
    ]
    vkey = subprocess.run(  # noqa: S603
        [*args, "--print-vkey"], check=True, capture_output=True, text=True
    ).stdout.strip()
    process = subprocess.Popen(  # noqa: S603
        [*args, "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_port(port, process)
    return process, f"http://127.0.0.1:{port}", vkey


@pytest.fixture
def trail(tmp_path: Path, make_user) -> Iterator[Trail]:
    generate_key_file(tmp_path / "log.key")
    vkey = load_signer(tmp_path / "log.key", name=ORIGIN).verifier.vkey
    process, url, witness_vkey = start_witness(tmp_path, vkey)
    user = make_user()
    for number in range(20):
        record_event(
            action=AuditAction.CASE_VIEWED,
            actor=user,
            case_reference=f"VH-OVL-2026-{number:04d}",
        )
    try:
        yield Trail(tmp_path, url, witness_vkey, process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _ids() -> list[int]:
    return list(AuditEvent.objects.order_by("id").values_list("id", flat=True))


def _sql(sql: str, params: list | None = None) -> None:
    """As a superuser with the append-only trigger switched off for this session."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params or [])
        cursor.execute("SET session_replication_role = origin")


def _recompute_chain() -> None:
    """What an attacker who can write the table does to hide a change from the chain."""
    previous = "0" * 64
    for event in AuditEvent.objects.order_by("id"):
        new_hash = compute_hash(event, previous)
        if (event.prev_hash, event.hash) != (previous, new_hash):
            _sql(
                "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                [previous, new_hash, event.pk],
            )
        previous = new_hash


def _problems(report: TrailReport) -> str:
    return "\n".join(report.problems)


def test_an_untouched_trail_verifies_with_a_witnessed_checkpoint(trail: Trail) -> None:
    assert trail.checkpoint() == 20
    report = trail.verify(ask_witnesses=[trail.witness_url])
    assert report.ok, report.problems
    assert report.latest_witnessed == 20


def test_an_edited_record(trail: Trail) -> None:
    trail.checkpoint()
    target = _ids()[7]
    _sql("UPDATE audit_auditevent SET case_reference = 'VH-OVL-2026-9999' WHERE id = %s", [target])
    assert f"record {target} does not match its hash" in _problems(trail.verify())


def test_a_record_deleted_in_the_middle(trail: Trail) -> None:
    trail.checkpoint()
    ids = _ids()
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [ids[9]])
    assert f"record {ids[10]} does not link" in _problems(trail.verify())


def test_the_last_records_deleted(trail: Trail) -> None:
    trail.checkpoint()
    _sql("DELETE FROM audit_auditevent WHERE id = ANY(%s)", [list(_ids()[-14:])])
    assert verify_chain().ok  # the chain alone: "intact"
    assert "holds 20 records, the trail has 6" in _problems(trail.verify())


def test_the_table_truncated(trail: Trail) -> None:
    trail.checkpoint()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # this test's own pending checks
        cursor.execute("TRUNCATE audit_auditevent")
    assert verify_chain().ok
    assert "holds 20 records, the trail has 0" in _problems(trail.verify())


def test_records_reordered_with_the_chain_recomputed(trail: Trail) -> None:
    trail.checkpoint()
    ids = _ids()
    a, b = ids[4], ids[5]
    _sql("UPDATE audit_auditevent SET id = -1 WHERE id = %s", [a])
    _sql("UPDATE audit_auditevent SET id = %s WHERE id = %s", [a, b])
    _sql("UPDATE audit_auditevent SET id = %s WHERE id = -1", [b])
    _recompute_chain()
    assert verify_chain().ok
    assert "the first 20 records do not hash to it" in _problems(trail.verify())


def test_a_forged_record_inserted_with_the_chain_recomputed(trail: Trail) -> None:
    trail.checkpoint()
    ids = _ids()
    # Ids are consecutive here: make room after record 3, then put the forgery there.
    _sql("UPDATE audit_auditevent SET id = id + 1000000 WHERE id > %s", [ids[3]])
    _sql(
        "INSERT INTO audit_auditevent (id, occurred_at, action, outcome, actor_label, "
        "organisation, role, on_behalf_of, object_type, object_id, case_reference, subject, "
        "purpose, session_ref, correlation_id, extra, prev_hash, hash, format_version, "
        "source_system, site, access_rule, legal_basis, lifecycle, sensitivity, emergency) "
        "SELECT id + 1, occurred_at, action, outcome, 'iemand anders', organisation, role, "
        "on_behalf_of, object_type, object_id, 'VH-OVL-2026-7777', subject, purpose, "
        "session_ref, correlation_id, extra, prev_hash, hash, format_version, source_system, "
        "site, access_rule, legal_basis, lifecycle, sensitivity, emergency "
        "FROM audit_auditevent WHERE id = %s",
        [ids[3]],
    )
    _recompute_chain()
    assert verify_chain().ok
    assert "do not hash to it" in _problems(trail.verify())


def test_an_older_backup_restored(trail: Trail) -> None:
    """The operator restores the database and the checkpoint directory from last week: both
    agree with each other, and only the witness still knows the newer history."""
    assert trail.checkpoint() == 20
    backup = {p.name: p.read_text() for p in trail.store.directory.iterdir()}
    user = AuditEvent.objects.order_by("id").last().actor
    for _ in range(5):
        record_event(action=AuditAction.CASE_VIEWED, actor=user)
    assert trail.checkpoint() == 25
    # Restore: the database back to 20 records, the directory back to its old files.
    _sql("DELETE FROM audit_auditevent WHERE id = ANY(%s)", [list(_ids()[20:])])
    for path in trail.store.directory.iterdir():
        if path.name not in backup:
            path.unlink()
    assert verify_chain().ok
    assert trail.verify().ok  # database and directory agree with each other...
    report = trail.verify(ask_witnesses=[trail.witness_url])
    assert "holds 25 records, the trail has 20" in _problems(report)  # ...the witness does not


def test_the_append_only_trigger_dropped_and_records_changed(trail: Trail) -> None:
    trail.checkpoint()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER audit_auditevent_append_only ON audit_auditevent")
        cursor.execute(
            "UPDATE audit_auditevent SET outcome = 'allowed', purpose = 'routine' WHERE id = %s",
            [_ids()[2]],
        )
    _recompute_chain()
    assert verify_chain().ok
    assert "the first 20 records do not hash to it" in _problems(trail.verify())


def test_a_back_dated_record(trail: Trail) -> None:
    """A record appended with a time in the past and a correct chain link."""
    trail.checkpoint()
    last = AuditEvent.objects.order_by("id").last()
    forged = AuditEvent.objects.get(pk=last.pk)
    forged.pk = None
    forged.occurred_at = last.occurred_at - timedelta(days=3)
    forged.case_reference = "VH-OVL-2026-0042"
    forged.prev_hash = last.hash
    forged.hash = compute_hash(forged, last.hash)
    AuditEvent.objects.bulk_create([forged])
    assert verify_chain().ok
    problems = _problems(trail.verify())
    assert "before the record before it (back-dated)" in problems
    assert "not in checkpoint 20 but dated" in problems


def test_a_replaced_signer_key(trail: Trail) -> None:
    """A thief replaces the signer's key with their own and signs a rewritten history."""
    trail.checkpoint()
    _sql(
        "UPDATE audit_auditevent SET case_reference = 'VH-OVL-2026-0666' WHERE id = %s", [_ids()[0]]
    )
    _recompute_chain()
    (trail.root / "checkpoints" / "000000000020.checkpoint").unlink()
    (trail.root / "checkpoints" / "000000000020.witnessed").unlink()
    stolen = trail.root / "their.key"
    generate_key_file(stolen)
    log = trail.signer(key=stolen)
    log.checkpoint()
    assert log.submit_pending() == 0  # the witness refuses a checkpoint the log key did not sign
    problems = _problems(trail.verify())
    assert "not signed by the log's key" in problems
    assert "no checkpoint is cosigned by a known witness" in problems


def test_a_split_view(trail: Trail) -> None:
    """Two checkpoints for the same size, shown to two readers: the witness cosigns one only,
    the directory keeps one only, and the second one shown to a reader is named."""
    assert trail.checkpoint() == 20
    honest = trail.store.signed(20)
    other = Checkpoint(ORIGIN, 20, b"\x07" * 32, "0" * 64, int(time.time()))
    forged = sign_note(other.text(), load_signer(trail.log_key, name=ORIGIN))
    assert honest is not None and forged.text != honest.text
    with pytest.raises(CheckpointConflict):
        trail.store.add_signed(forged)
    # The witness will not cosign it either.
    log = trail.signer()
    from portal.audit.transparency.signer import WitnessState

    witness = WitnessState(trail.witness_url, size=20)
    assert log._submit(witness, forged) is None
    shown = trail.root / "shown-to-reader-b.checkpoint"
    shown.write_text(forged.render())
    from portal.audit.transparency.verify import shown_checkpoint

    problems = _problems(trail.verify(shown=[shown_checkpoint(str(shown))]))
    assert "Split view" in problems and "both claim 20 records" in problems


def test_the_witness_loses_nothing_when_it_is_killed_and_restarted(trail: Trail) -> None:
    assert trail.checkpoint() == 20
    trail.process.kill()
    trail.process.wait(timeout=10)
    user = AuditEvent.objects.order_by("id").last().actor
    for _ in range(3):
        record_event(action=AuditAction.CASE_VIEWED, actor=user)
    log = trail.signer()
    log.checkpoint()
    assert log.submit_pending() == 0  # the witness is down: the checkpoint waits
    assert trail.store.pending() == [23]
    port = int(trail.witness_url.rsplit(":", 1)[1])
    trail.process, _url, _vkey = start_witness(trail.root, trail.log_vkey, port)
    assert log.submit_pending() == 1
    assert trail.store.pending() == []
    assert trail.verify(ask_witnesses=[trail.witness_url]).ok


def test_audit_verify_names_what_failed(trail: Trail, settings) -> None:
    trail.checkpoint()
    settings.AUDIT_CHECKPOINT_DIR = str(trail.root / "checkpoints")
    settings.AUDIT_LOG_VKEY = trail.log_vkey
    settings.AUDIT_WITNESS_VKEYS = [trail.witness_vkey]
    settings.AUDIT_WITNESS_URLS = [trail.witness_url]
    call_command("audit_verify", "--ask-witnesses", stdout=open("/dev/null", "w"))  # noqa: SIM115
    _sql("DELETE FROM audit_auditevent WHERE id = ANY(%s)", [list(_ids()[-3:])])
    with pytest.raises(CommandError, match="holds 20 records, the trail has 17"):
        call_command("audit_verify", stderr=open("/dev/null", "w"))  # noqa: SIM115


def test_an_inclusion_proof_checks_one_record_on_its_own(
    trail: Trail, tmp_path: Path, settings
) -> None:
    """A person is shown that the record of an access to their file is in the log, and checks
    it with the standalone checker (no database), and a changed bundle does not pass."""
    import json

    from portal.audit.transparency.proof import check_bundle

    trail.checkpoint()
    settings.AUDIT_CHECKPOINT_DIR = str(trail.root / "checkpoints")
    target = _ids()[11]
    out = tmp_path / "bewijs.json"
    call_command("audit_prove", str(target), "--out", str(out))
    bundle = json.loads(out.read_text())
    assert bundle["index"] == 11 and bundle["tree_size"] == 20
    assert "VH-OVL-2026-0011" in bundle["record"]["content"]
    assert "VH-OVL-2026-0010" not in json.dumps(bundle)  # no other record's content
    checked = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "portal.audit.transparency.proof",
            str(out),
            "--log-vkey",
            trail.log_vkey,
            "--witness-vkey",
            trail.witness_vkey,
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("OK: record 12 of 20")
    keys = {"log_vkey": trail.log_vkey, "witness_vkeys": [trail.witness_vkey]}
    changed = json.loads(out.read_text())
    changed["record"]["content"] = changed["record"]["content"].replace("0011", "0012")
    assert "does not hash" in check_bundle(changed, **keys).reason
    moved = json.loads(out.read_text())
    moved["index"] = 10
    assert "does not lead to the checkpoint" in check_bundle(moved, **keys).reason
    assert check_bundle(json.loads(out.read_text()), **keys).ok
