"""HTTP load in its own process (so it does not share a GIL with the WebSocket clients):
``python -m bench.proof.httpload '<json config>'`` prints a JSON summary on its last line."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter

from .web import LoadLoop, percentile


def main(config: dict) -> dict:
    paths = [
        (p, config.get("cookies", {}) if p.startswith("/samenwerking/") else {})
        for p in config["paths"]
    ]
    load = LoadLoop(config["ports"], paths, threads=config["threads"], timeout=30)
    started = time.monotonic()
    load.start()
    time.sleep(config["seconds"])
    load.stop()
    elapsed = time.monotonic() - started
    samples = load.samples
    latencies = [s.seconds * 1000 for s in samples if s.status == 200]
    by_path: dict[str, list[float]] = {}
    for s in samples:
        by_path.setdefault(s.path, []).append(s.seconds * 1000)
    return {
        "requests": len(samples),
        "seconds": elapsed,
        "rps": len(samples) / elapsed,
        "statuses": dict(Counter(str(s.status) for s in samples)),
        "errors": [s.error or f"{s.status} {s.path}" for s in samples if s.status != 200][:10],
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "by_path": {
            p: {"n": len(v), "p50_ms": percentile(v, 50), "p99_ms": percentile(v, 99)}
            for p, v in by_path.items()
        },
    }


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))), flush=True)
