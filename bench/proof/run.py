"""``make proof``: fault and load proofs against the production configuration.

One private PostgreSQL cluster and one private Redis server (free ports, a temp dir, removed at
the end) hold a migrated database with the demo content; production ASGI processes (uvicorn,
``portal.settings.production``) serve it. Each proof prints its figures and checks; the run
exits non-zero if any check fails.

    PROOF_ONLY=live_notes,load   run only these proofs
    PROOF_SKIP=double_submit     skip these proofs
    PROOF_KEEP=1                 keep the temp dir (server logs) for a look afterwards
    PROOF_FANOUT_P99_MS=2000     the load proof's limit for the live-notes fan-out p99
    PROOF_EDITS_PER_SECOND=1     edits per second in each of the load proof's 20 meetings
    PROOF_HTTP_DASHBOARD=0       leave the dashboard out of the load proof's HTTP load
    PROOF_CONNECTIONS_BASELINE=1 the connections proof against the old settings (no pool,
                                 CONN_MAX_AGE=60), to see the failure it guards against
"""

from __future__ import annotations

import os
import sys
import time
import traceback

from . import attacks, audit_witness, connections, faults, live_chaos, load, world
from .infra import log_tail, stack_up
from .report import Report

PROOFS = {
    "attacks": attacks.attacks,
    "live_notes": live_chaos.live_notes_chaos,
    "postgres": faults.postgres_restart,
    "worker": faults.worker_restart,
    "double_submit": faults.double_submit,
    "load": load.load,
    "connections": connections.connections,
    "audit_witness": audit_witness.audit_witness,
}


def selected() -> list[str]:
    only = [p for p in os.environ.get("PROOF_ONLY", "").split(",") if p]
    skip = {p for p in os.environ.get("PROOF_SKIP", "").split(",") if p}
    unknown = (set(only) | skip) - set(PROOFS)
    if unknown:
        raise SystemExit(f"unknown proofs: {sorted(unknown)}; known: {sorted(PROOFS)}")
    return [p for p in PROOFS if (not only or p in only) and p not in skip]


def main() -> int:
    names = selected()
    started = time.monotonic()
    reports: list[Report] = []
    print("== proof: setting up a private PostgreSQL, Redis and the demo database", flush=True)
    with stack_up() as stack:
        world.setup(stack)
        for name in names:
            print(f"== proof: {name}", flush=True)
            t0 = time.monotonic()
            try:
                report = PROOFS[name](stack)
            except Exception:
                report = Report(name)
                report.check(False, f"{name} raised:\n{traceback.format_exc()}")
                for server in stack.servers:
                    print(f"-- {server.name} log\n{log_tail(server.logfile, 30)}")
            finally:
                for server in stack.servers:
                    server.kill()
                stack.servers.clear()
                world.reconnect()
            print(f"   ({time.monotonic() - t0:.0f} s)", flush=True)
            reports.append(report)
    print(f"== proof summary ({time.monotonic() - started:.0f} s in all)")
    for report in reports:
        print(f"   {'PASS' if report.passed else 'FAIL'}  {report.name}")
        for failure in report.failures:
            print(f"         - {failure.splitlines()[0]}")
    return 0 if all(r.passed for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
