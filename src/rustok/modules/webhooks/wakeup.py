"""Waking the sender when deliveries are committed, instead of waiting for its poll.

- In-process: the dispatch consumer registers a callback on its unit of work's commit that
  wakes every sender of this process sharing the database engine (a registry keyed by
  engine, so several platforms in one process never wake each other).
- Across processes on PostgreSQL: ``NOTIFY rustok_webhooks`` in the same transaction
  (delivered at commit, dropped on rollback); every sender ``LISTEN``s. SQLite has no such
  channel; there the poll (``RUSTOK_OUTBOX_POLL_INTERVAL``) covers other processes. The
  notification names the engine (and process) that wrote the deliveries, whose senders were
  woken in-process already: they ignore it (a second wake-up was a second claim).
"""

from __future__ import annotations

import asyncio
import os
import uuid
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from rustok.core.logging import get_logger
from rustok.core.uow import UnitOfWork

CHANNEL = "rustok_webhooks"
_WAKE_KEY = "rustok_webhooks_wake"
_senders: weakref.WeakKeyDictionary[Engine, set[Callable[[], None]]] = weakref.WeakKeyDictionary()
_tokens: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()
log = get_logger("rustok.webhooks")


def engine_token(engine: Engine) -> str:
    """Names ``engine`` of this process in notifications (a forked copy gets a new one)."""
    token = _tokens.get(engine)
    if token is None or not token.startswith(f"{os.getpid()}-"):
        token = _tokens[engine] = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    return token


def register(engine: Engine, wake: Callable[[], None]) -> None:
    _senders.setdefault(engine, set()).add(wake)


def unregister(engine: Engine, wake: Callable[[], None]) -> None:
    _senders.get(engine, set()).discard(wake)


async def wake_after_commit(uow: UnitOfWork) -> None:
    """Call inside the transaction that wrote deliveries (once is enough: a batch of the
    dispatch consumer calls it per event)."""
    if uow.session.info.get(_WAKE_KEY):
        return
    uow.session.info[_WAKE_KEY] = True
    bind = uow.session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    if engine.dialect.name == "postgresql":
        await uow.session.execute(
            text("SELECT pg_notify(:channel, :token)"),
            {"channel": CHANNEL, "token": engine_token(engine)},
        )

    async def wake_local() -> None:
        for wake in list(_senders.get(engine, ())):
            wake()

    uow.on_commit(wake_local)


class DeliveryListener:
    """Keeps one PostgreSQL connection listening on :data:`CHANNEL`; calls ``on_notify``."""

    def __init__(
        self, database_url: str, on_notify: Callable[[], None], *, ignore: str | None = None
    ) -> None:
        url = make_url(database_url).set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self._on_notify = on_notify
        self._ignore = ignore  # the token of the engine whose senders are woken in-process

    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        if payload != self._ignore or not payload:
            self._on_notify()

    async def run(self) -> None:
        while True:
            try:
                await self._listen_once()
            except Exception as exc:  # noqa: BLE001 - the poll covers the gap; retry soon
                log.warning("webhook listener failed", error=repr(exc))
            await asyncio.sleep(1.0)

    async def _listen_once(self) -> None:
        import asyncpg  # only PostgreSQL listens: a SQLite process never loads the driver

        conn = await asyncpg.connect(self._dsn, timeout=5)
        closed = asyncio.Event()
        try:
            conn.add_termination_listener(lambda _: closed.set())
            await conn.add_listener(CHANNEL, self._notified)
            self._on_notify()  # catch up with what was committed while not listening
            await closed.wait()
        finally:
            if not conn.is_closed():
                await conn.close(timeout=2)
