"""One PostgreSQL connection kept ``LISTEN``ing on a channel, for a process whose caches must
hear what other processes commit.

``NOTIFY`` is transactional (delivered at commit, dropped on rollback), so a listener that
is connected hears every change committed after it connected. What it cannot hear is what
was committed while it was not connected; so :attr:`ChannelListener.listening` says whether
it is connected now and :attr:`ChannelListener.generation` counts the connections made: a
cache trusts its entries only while listening, and only those stored in the current
generation. A connection that hangs without closing (a lost peer) is found by a ``SELECT 1``
every :data:`PING_SECONDS` that must answer within :data:`PING_TIMEOUT`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import make_url

from rustok.core.logging import get_logger

PING_SECONDS = 5.0
PING_TIMEOUT = 2.0
RECONNECT_DELAYS = (0.1, 0.5, 1.0, 2.0, 5.0)
_log = get_logger("rustok.db")


class ChannelListener:
    """Calls ``on_payload(payload)`` for each notification on ``channel`` (run :meth:`run`)."""

    def __init__(
        self, database_url: str, channel: str, on_payload: Callable[[str], None], *,
        ping_seconds: float = PING_SECONDS, ping_timeout: float = PING_TIMEOUT,
    ) -> None:  # fmt: skip
        url = make_url(database_url).set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self._channel = channel
        self._on_payload = on_payload
        self._ping_seconds = ping_seconds
        self._ping_timeout = ping_timeout
        self.listening = False
        self.generation = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> bool:
        """Run in the background of the running loop; False when there is no loop."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        if self._task is None:
            self._task = loop.create_task(self.run(), name=f"listen:{self._channel}")
        return True

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self._on_payload(payload)

    async def run(self) -> None:
        attempt = 0
        while True:
            connections = self.generation
            try:
                await self._listen_once()
            except Exception as exc:  # noqa: BLE001 - not listening means not trusted; retry
                if self.generation != connections:
                    attempt = 0  # it was listening: a new outage
                if attempt == 0:
                    _log.warning("listener lost", channel=self._channel, error=repr(exc))
            finally:
                self.listening = False
            await asyncio.sleep(RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)])
            attempt += 1

    async def _listen_once(self) -> None:
        import asyncpg  # only where PostgreSQL is used (not in a SQLite process)

        conn = await asyncpg.connect(
            self._dsn,
            timeout=5,
            server_settings={"application_name": f"rustok listen {self._channel}"},
        )
        closed = asyncio.Event()
        try:
            conn.add_termination_listener(lambda _: closed.set())
            await conn.add_listener(self._channel, self._notified)
            self.generation += 1  # before listening: entries of earlier generations are void
            self.listening = True
            while not closed.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(closed.wait(), self._ping_seconds)
                    break
                await asyncio.wait_for(conn.fetchval("SELECT 1"), self._ping_timeout)
            raise ConnectionError("listening connection closed")
        finally:
            self.listening = False
            if not conn.is_closed():
                conn.terminate()
