"""Cross-process wake-up on PostgreSQL: ``NOTIFY rustok_outbox`` in every transaction that
writes events (delivered at commit, dropped on rollback), ``LISTEN`` in every relay.

In-process commits wake the relay directly (the unit of work's after-commit hook); this
covers commits of other processes — a ``rustok worker`` next to ``rustok serve``, a CLI
command — so they do not wait for the poll. SQLite has no such channel: there the poll
(``RUSTOK_OUTBOX_POLL_INTERVAL``) is the fallback.

The payload is the origin of the writer (:func:`new_origin`, one per platform): a relay
ignores the notifications of the writer whose commits its hook wakes it for already (that
second wake was a second claim per commit). Per platform, not per process: two platforms in
one process (a writer and a relay, as in the tests) still wake each other this way.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import make_url

from rustok.core.logging import get_logger

CHANNEL = "rustok_outbox"
log = get_logger("rustok.outbox")


def new_origin() -> str:
    """A writer's name in its notifications: random, so that no two platforms share one."""
    return secrets.token_hex(8)


class OutboxListener:
    """Keeps one connection listening on :data:`CHANNEL` and calls ``on_notify``, except for
    the notifications of the writer named ``ignore`` (its commits wake the relay directly)."""

    def __init__(
        self, database_url: str, on_notify: Callable[[], None], *, ignore: str | None = None
    ) -> None:
        url = make_url(database_url).set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self._on_notify = on_notify
        self._ignore = ignore
        self.connected = asyncio.Event()

    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        # An empty payload (a writer of an older version) always wakes.
        if payload and payload == self._ignore:
            return
        self._on_notify()

    async def run(self) -> None:
        while True:
            try:
                await self._listen_once()
            except Exception as exc:  # noqa: BLE001 - the poll covers the gap; retry soon
                log.warning("outbox listener failed", error=repr(exc))
            self.connected.clear()
            await asyncio.sleep(1.0)

    async def _listen_once(self) -> None:
        import asyncpg  # only PostgreSQL listens: a SQLite process never loads the driver

        conn = await asyncpg.connect(self._dsn, timeout=5)
        closed = asyncio.Event()
        try:
            conn.add_termination_listener(lambda _: closed.set())
            await conn.add_listener(CHANNEL, self._notified)
            self.connected.set()
            self._on_notify()  # catch up with what was committed while not listening
            await closed.wait()
        finally:
            if not conn.is_closed():
                await conn.close(timeout=2)
