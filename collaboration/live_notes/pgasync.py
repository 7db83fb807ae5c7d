"""One asynchronous PostgreSQL connection per event loop, for the keystroke write path.

Django's database calls are synchronous: from a consumer each one hops to a worker thread and
back, which cost more than the write itself (2.4 ms against 0.8 ms, measured under the live
notes benchmark). The live-notes writers of one server process share this connection instead,
one statement at a time (the append, ``services._APPEND_SQL``, is one statement in
autocommit), and it is closed when the last writer of the loop stops. Nothing else uses it:
every other read and write goes through Django as usual.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from django.db import connection as django_connection

logger = logging.getLogger(__name__)


class SharedConnection:
    """A lazily opened autocommit connection, reopened after an error, with a user count."""

    def __init__(self) -> None:
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._lock = asyncio.Lock()
        self.users = 0

    async def open(self) -> None:
        """Connect ahead of the first keystroke (an editor joining); a failure here is only
        logged, the first write tries again and reports it."""
        async with self._lock:
            try:
                await self._ensure()
            except Exception:
                logger.warning("Opening the live-notes connection failed", exc_info=True)

    async def _ensure(self) -> psycopg.AsyncConnection[Any]:
        if self._connection is None or self._connection.closed:
            self._connection = await psycopg.AsyncConnection.connect(**_parameters())
        return self._connection

    async def fetch_one(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any]
    ) -> tuple[Any, ...] | None:
        async with self._lock:
            connection = await self._ensure()
            try:
                cursor = await connection.execute(sql, params)
                return await cursor.fetchone()
            except BaseException:
                # A broken or cancelled statement leaves the connection in doubt: start afresh.
                await self._close()
                raise

    async def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.closed:
            try:
                await connection.close()
            except Exception:
                logger.debug("Closing the live-notes connection failed", exc_info=True)

    async def release(self) -> None:
        self.users -= 1
        if self.users <= 0:
            async with self._lock:
                if self.users <= 0:
                    await self._close()


_by_loop: dict[asyncio.AbstractEventLoop, SharedConnection] = {}


def acquire() -> SharedConnection:
    """The running loop's shared connection; pair with ``await shared.release()``."""
    loop = asyncio.get_running_loop()
    shared = _by_loop.get(loop)
    if shared is None:
        # Forget connections of loops that have ended (each test has its own loop).
        for old in [other for other in _by_loop if other.is_closed()]:
            del _by_loop[old]
        shared = _by_loop[loop] = SharedConnection()
    shared.users += 1
    return shared


def _parameters() -> dict[str, Any]:
    """Django's own connection parameters (database, user, host, options), in autocommit,
    without the adapters and cursor class that belong to Django's synchronous connection."""
    parameters = dict(django_connection.get_connection_params())
    parameters.pop("cursor_factory", None)
    parameters.pop("context", None)
    parameters["autocommit"] = True
    # An unreachable database must fail a keystroke's write, not hang every writer behind it.
    parameters.setdefault("connect_timeout", 5)
    return parameters
