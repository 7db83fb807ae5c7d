"""Closed-loop HTTP load in its own process for the connections proof: one thread per concurrent
request, each with its own keep-alive connection, its own server and its own signed-in session,
requesting its paths round robin for a fixed time. ``python -m bench.proof.connload '<json>'``
prints a JSON summary on its last line.

Config: ``{"clients": [{"port": 8001, "cookies": {...}}, ...], "paths": [...], "seconds": 30}``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter

from .web import Client, percentile


def main(config: dict) -> dict:
    paths: list[str] = config["paths"]
    seconds = float(config["seconds"])
    samples: list[tuple[str, int, float, str]] = []  # path, status (0: no answer), s, error
    lock = threading.Lock()
    start = threading.Barrier(len(config["clients"]) + 1)
    stop = threading.Event()

    def run(index: int, port: int, cookies: dict[str, str]) -> None:
        client = Client(port, timeout=30, cookies=cookies)
        i = index
        start.wait()
        while not stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            try:
                response = client.get(path)
            except Exception as error:
                client.close()
                sample = (path, 0, time.perf_counter() - t0, repr(error))
                time.sleep(0.05)
            else:
                sample = (path, response.status, response.seconds, "")
            with lock:
                samples.append(sample)
        client.close()

    threads = [
        threading.Thread(target=run, args=(i, c["port"], c["cookies"]), daemon=True)
        for i, c in enumerate(config["clients"])
    ]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.monotonic()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=35)
    elapsed = time.monotonic() - started
    ok = [s[2] * 1000 for s in samples if s[1] == 200]
    by_path: dict[str, list[float]] = {}
    for path, _status, duration, _error in samples:
        by_path.setdefault(path, []).append(duration * 1000)
    return {
        "requests": len(samples),
        "seconds": elapsed,
        "rps": len(samples) / elapsed,
        "statuses": dict(Counter(str(s[1]) for s in samples)),
        "errors": [s[3] or f"{s[1]} {s[0]}" for s in samples if s[1] != 200][:10],
        "p50_ms": percentile(ok, 50),
        "p99_ms": percentile(ok, 99),
        "max_ms": max(ok, default=float("nan")),
        "by_path": {
            p: {"n": len(v), "p50_ms": percentile(v, 50), "p99_ms": percentile(v, 99)}
            for p, v in by_path.items()
        },
    }


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))), flush=True)
