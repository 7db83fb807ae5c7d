"""A small HTTP/1.1 client with a cookie jar (http.client, keep-alive), and a threaded load loop
that records every response: status, latency, and whether an error page leaks internals."""

from __future__ import annotations

import contextlib
import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

# What must never reach a visitor, even when the database is gone.
LEAK_MARKERS = (
    "Traceback",
    'File "',
    "OperationalError",
    "psycopg",
    "django.db",
    "Exception Value",
)
DUTCH_ERROR = "Er ging iets mis"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float
    set_cookies: list[str] = field(default_factory=list)


class Client:
    def __init__(self, port: int, *, timeout: float = 15, cookies: dict[str, str] | None = None):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = dict(cookies or {})
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self,
        method: str,
        path: str,
        *,
        data: dict | list | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=sent)
                raw = self.conn.getresponse()
                text = raw.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # a kept-alive connection the server closed meanwhile: one fresh try
                self.close()
                if attempt == 2:
                    raise
        elapsed = time.perf_counter() - started
        cookies = raw.headers.get_all("Set-Cookie") or []
        for line in cookies:
            parsed = SimpleCookie()
            with contextlib.suppress(Exception):
                parsed.load(line)
            for key, morsel in parsed.items():
                self.cookies[key] = morsel.value
        if raw.getheader("Connection", "").lower() == "close":
            self.close()
        return Response(raw.status, dict(raw.headers.items()), text, elapsed, cookies)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict | list, **kwargs) -> Response:
        return self.request("POST", path, data=data, **kwargs)


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html
    )
    if not match:
        raise AssertionError(f"form field {name!r} not found")
    return match.group(1)


def leaks(body: str) -> list[str]:
    return [marker for marker in LEAK_MARKERS if marker in body]


@dataclass
class Sample:
    at: float
    path: str
    status: int  # 0: no HTTP answer at all (connection refused, reset, timeout)
    seconds: float
    dutch_error_page: bool
    leaked: list[str]
    error: str = ""

    @property
    def end(self) -> float:
        return self.at + self.seconds


class LoadLoop:
    """``threads`` threads, each requesting ``paths`` round robin until ``stop()``."""

    def __init__(
        self,
        ports: list[int],
        paths: list[tuple[str, dict[str, str]]],
        *,
        threads: int,
        timeout: float = 15,
    ) -> None:
        self.ports = ports
        self.paths = paths
        self.threads = threads
        self.timeout = timeout
        self.samples: list[Sample] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _run(self, index: int) -> None:
        port = self.ports[index % len(self.ports)]
        clients: dict[int, Client] = {}
        i = index
        while not self._stop.is_set():
            path, cookies = self.paths[i % len(self.paths)]
            i += 1
            client = clients.setdefault(
                id(cookies), Client(port, timeout=self.timeout, cookies=cookies)
            )
            started = time.perf_counter()
            at = time.monotonic()
            try:
                response = client.get(path)
            except Exception as error:
                client.close()
                sample = Sample(at, path, 0, time.perf_counter() - started, False, [], repr(error))
                time.sleep(0.05)
            else:
                sample = Sample(
                    at,
                    path,
                    response.status,
                    response.seconds,
                    DUTCH_ERROR in response.body,
                    leaks(response.body),
                )
            with self._lock:
                self.samples.append(sample)
        for client in clients.values():
            client.close()

    def start(self) -> None:
        for index in range(self.threads):
            thread = threading.Thread(target=self._run, args=(index,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.timeout + 5)

    def between(self, start: float, end: float) -> list[Sample]:
        """Requests that started and were answered within [start, end)."""
        with self._lock:
            return [s for s in self.samples if start <= s.at and s.end < end]

    def overlapping(self, start: float, end: float) -> list[Sample]:
        """Requests in flight at any moment of [start, end)."""
        with self._lock:
            return [s for s in self.samples if s.at < end and s.end >= start]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
