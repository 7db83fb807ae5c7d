"""A background task for the worker-restart proof: sleeps, then appends its number to a file,
so the proof can count how often each task's body actually ran."""

from __future__ import annotations

import time
from collections import Counter

from django_tasks import task


@task()
def proof_task(number: int, seconds: float, log: str) -> int:
    time.sleep(seconds)
    with open(log, "a") as handle:
        handle.write(f"{number}\n")
    return number


def runs(log: str) -> Counter:
    try:
        with open(log) as handle:
            return Counter(int(line) for line in handle if line.strip())
    except FileNotFoundError:
        return Counter()
