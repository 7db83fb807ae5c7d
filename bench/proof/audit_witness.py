"""Audit checkpoints with a witness that is killed and restarted (issue 18): the signer
(``manage.py audit_signer``, its own key, checkpoints every second here) and the witness
(``python -m portal.audit.transparency.witness``, its own key and storage) run as their own
processes beside a production server whose dashboard, requested in a loop, writes an audit
record per request. The witness is killed (SIGKILL) for a while and started again: the
checkpoints signed meanwhile wait and are cosigned afterwards, none lost. The signer is stopped
with SIGTERM and writes a last checkpoint over every record; ``audit_verify --ask-witnesses``
then proves the whole trail.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from portal.audit.transparency.store import CheckpointStore

from . import world
from .infra import DB_NAME, PYTHON, ROOT, Stack, free_port
from .report import Report
from .web import LoadLoop

OUTAGE_SECONDS = 6
CATCH_UP_LIMIT_SECONDS = 60


def _witness(directory: Path, log_vkey: str, port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [
            PYTHON,
            "-m",
            "portal.audit.transparency.witness",
            "--listen",
            f"127.0.0.1:{port}",
            "--key",
            str(directory / "key"),
            "--state",
            str(directory / "state"),
            "--log-vkey",
            log_vkey,
        ],
        cwd=ROOT,
        stdout=open(log, "ab"),
        stderr=subprocess.STDOUT,
    )


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def audit_witness(stack: Stack) -> Report:
    report = Report("Audit checkpoints: the witness killed and restarted while records are written")
    base = stack.workdir.path / "audit"
    (base / "witness").mkdir(parents=True)
    key_file = base / "signer" / "log.key"
    log_vkey = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "audit_keygen", str(key_file)],
        cwd=ROOT,
        env=stack.env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    witness_vkey = subprocess.run(  # noqa: S603
        [
            PYTHON,
            "-m",
            "portal.audit.transparency.witness",
            "--key",
            str(base / "witness" / "key"),
            "--state",
            str(base / "witness" / "state"),
            "--log-vkey",
            log_vkey,
            "--print-vkey",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    port = free_port()
    witness_log = stack.workdir.path / "witness.log"
    audit_env = {
        "AUDIT_SIGNER_KEY_FILE": str(key_file),
        "AUDIT_CHECKPOINT_DIR": str(base / "checkpoints"),
        "AUDIT_CHECKPOINT_SECONDS": "1",
        "AUDIT_WITNESS_URLS": f"http://127.0.0.1:{port}",
        "AUDIT_LOG_VKEY": log_vkey,
        "AUDIT_WITNESS_VKEYS": witness_vkey,
    }
    store = CheckpointStore(base / "checkpoints")
    witness = _witness(base / "witness", log_vkey, port, witness_log)
    signer = subprocess.Popen(  # noqa: S603
        [PYTHON, "manage.py", "audit_signer"],
        cwd=ROOT,
        env=stack.env(**audit_env),
        stdout=open(stack.workdir.path / "signer.log", "ab"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    server = stack.server("audit-web")
    server.start()
    cookies = {
        world.session_cookie_name(): world.verified_session("coordinator@veilighuis.example")
    }
    load = LoadLoop([server.port], [("/samenwerking/", cookies)], threads=2)
    load.start()
    try:
        report.check(
            _wait(lambda: bool(store.sizes(CheckpointStore.WITNESSED)), 30),
            "the first checkpoint was signed and witnessed",
        )
        time.sleep(3)
        witness.send_signal(signal.SIGKILL)
        witness.wait(timeout=10)
        killed_at = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        queued = len(store.pending())
        report.figure(
            f"witness killed for {OUTAGE_SECONDS} s: {queued} checkpoints signed meanwhile wait"
        )
        report.check(queued > 0, "checkpoints kept being signed while the witness was down")
        witness = _witness(base / "witness", log_vkey, port, witness_log)
        restarted = time.monotonic()
        caught_up = _wait(lambda: not store.pending(), CATCH_UP_LIMIT_SECONDS)
        report.figure(
            f"after the restart every queued checkpoint cosigned in "
            f"{time.monotonic() - restarted:.1f} s (outage began {restarted - killed_at:.1f} s "
            "before the restart)"
        )
        report.check(caught_up, "every queued checkpoint was cosigned after the restart")
    finally:
        load.stop()
        server.kill()
    requests = len([s for s in load.samples if s.status == 200])
    signer.send_signal(signal.SIGTERM)
    try:
        signer.wait(timeout=60)
    except subprocess.TimeoutExpired:
        signer.kill()
    report.check(
        signer.returncode == 0, f"the signer stopped cleanly on SIGTERM ({signer.returncode})"
    )
    records = int(stack.postgres.psql("SELECT count(*) FROM audit_auditevent", db=DB_NAME))
    signed = store.sizes()
    witnessed = store.sizes(CheckpointStore.WITNESSED)
    history = (base / "witness" / "state" / "history").read_text().splitlines()
    report.figure(
        f"{requests} dashboard requests; {records} audit records; {len(signed)} checkpoints "
        f"signed, {len(witnessed)} witnessed; the witness's history has {len(history)} entries"
    )
    report.check(
        bool(signed) and signed[-1] == records,
        f"the last checkpoint (at shutdown) holds every record ({signed[-1] if signed else 0} "
        f"of {records})",
    )
    report.check(signed == witnessed, "every signed checkpoint was witnessed (none lost)")
    verified = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "audit_verify", "--ask-witnesses"],
        cwd=ROOT,
        env=stack.env(**audit_env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    report.figure((verified.stdout + verified.stderr).strip().splitlines()[-1][:300])
    report.check(verified.returncode == 0, "audit_verify --ask-witnesses: trail intact")
    witness.terminate()
    witness.wait(timeout=10)
    return report
