"""The outbox relay (E-4): claims pending ``sys_events`` rows and hands them to the transport.

    wake (a commit that wrote events: in-process hook, or NOTIFY from another platform, as a
    process, on PostgreSQL) or poll (fallback, RUSTOK_OUTBOX_POLL_INTERVAL)
      -> wait until the transport may succeed (breaker) and the dispatch queue has room
      -> claim up to 100 rows (claims.py)       -> publish in id order
      -> durable transport: mark dispatched      | failure: attempts+1, back off 1 s .. 60 s,
         (by the flusher, FLUSH_DELAY later)     |   ``failed`` after RUSTOK_OUTBOX_MAX_ATTEMPTS
         memory: mark once consumers recorded    |

Claims live for a lease (30 s) that the relay renews while it still holds rows, so a relay
that dies leaves rows another relay (or its own restart) takes over after the lease. On a
clean stop it gives its claims back at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rustok.core.db import Database
from rustok.core.db.outages import DatabaseUnavailable
from rustok.core.logging import get_logger
from rustok.core.resilience import CircuitOpenError
from rustok.core.tracing import batch_span
from rustok.outbox.claims import ClaimedEvent, SqliteClaimer, make_claimer, new_claim_token
from rustok.outbox.dispatcher import EventDispatcher
from rustok.outbox.metrics import EVENTS_FAILED, EVENTS_PUBLISHED
from rustok.outbox.notify import OutboxListener
from rustok.outbox.store import OutboxStore
from rustok.outbox.transports.base import Transport

log = get_logger("rustok.outbox")
RELAY = "<relay>"  # consumer label of relay-side failures in rustok_events_failed_total
FLUSH_DELAY = 0.1


@dataclass(frozen=True, slots=True)
class RelayConfig:
    batch_size: int = 100
    poll_interval: float = 1.0
    lease_seconds: float = 30.0
    max_attempts: int = 10


class OutboxRelay:
    """Moves committed events from the outbox to a transport; several may run at once."""

    def __init__(
        self,
        db: Database,
        transport: Transport,
        dispatcher: EventDispatcher,
        config: RelayConfig | None = None,
        *,
        token: str | None = None,
        local_origin: str | None = None,
    ) -> None:
        """``local_origin``: the writer (``writer.py``) whose commits call :meth:`wake`
        directly; its notifications are ignored (they would wake the relay a second time)."""
        self.config = config or RelayConfig()
        self.token = token or new_claim_token()
        self.transport = transport
        self.dispatcher = dispatcher
        self.claimer = make_claimer(db, self.token, lease_seconds=self.config.lease_seconds)
        self.store = OutboxStore(db, max_attempts=self.config.max_attempts)
        self._wake = asyncio.Event()
        self._flush = asyncio.Event()
        self._in_flight: dict[uuid.UUID, int] = {}
        self._handled: list[uuid.UUID] = []
        self._unhandled: list[tuple[uuid.UUID, int, str]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self.published = 0
        self.listener = (
            None if db.is_sqlite else OutboxListener(db.url, self.wake, ignore=local_origin)
        )

    @property
    def running(self) -> bool:
        return bool(self._tasks) and not any(t.done() for t in self._tasks)

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def wake(self, _count: int = 0) -> None:
        """Claim now (called after a commit that wrote events)."""
        self._wake.set()

    def start(self) -> None:
        self._stopping = False
        self._tasks = [
            asyncio.create_task(self._loop(), name=f"{self.token}:claim"),
            asyncio.create_task(self._flusher(), name=f"{self.token}:mark"),
            asyncio.create_task(self._renewer(), name=f"{self.token}:lease"),
        ]
        if self.listener is not None:
            self._tasks.append(
                asyncio.create_task(self.listener.run(), name=f"{self.token}:listen")
            )

    async def stop_claiming(self) -> None:
        """Stop taking rows; what consumers finish from now on is still marked, what they
        drop on the way out is given back by :meth:`stop` without counting an attempt."""
        self._stopping = True
        if self._tasks:
            self._tasks[0].cancel()
            await asyncio.gather(self._tasks[0], return_exceptions=True)

    async def stop(self) -> None:
        """Stop, record what the consumers finished, and give every other claim back."""
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        with contextlib.suppress(Exception):
            await self._flush_once()
            await self.store.release(self.token)
        self._in_flight.clear()

    async def _loop(self) -> None:
        busy = True
        while True:
            await self.transport.wait_until_available()
            limit = self.config.batch_size
            if not self.transport.durable:
                await self.dispatcher.wait_for_room()
                limit = min(limit, self.dispatcher.room())
            try:
                # Woken by a commit or finished events: claim at once. After a quiet poll
                # interval, a cheap read first (no write transaction when nothing is due).
                if not busy and not await self._idle() and not await self.claimer.has_work():
                    continue
                claimed = await self._claim(limit)
                # A claim that took all there was waits for a wake (a commit) instead of a
                # second, empty claim: a write transaction per wake at a trickle.
                busy = not self.claimer.drained
                if claimed:
                    await self._publish(claimed)
            except Exception as exc:  # noqa: BLE001 - the loop outlives any one failure
                busy = False
                self._warn("relay iteration failed", exc)
                await asyncio.sleep(self.config.poll_interval)

    async def _claim(self, limit: int) -> list[ClaimedEvent]:
        """Claim; on SQLite with the memory transport, mark what the consumers finished
        since in the same write transaction, one less under its single writer lock (the
        flusher marks it otherwise, ``FLUSH_DELAY`` later; PostgreSQL's claim is one
        autocommit statement, and a broker's publishes are marked by the flusher alone)."""
        claimer = self.claimer
        if not isinstance(claimer, SqliteClaimer) or self.transport.durable or not self._handled:
            return await claimer.claim(limit)
        handled, self._handled = self._handled, []
        marks = [self.store.dispatched(handled[i : i + 500]) for i in range(0, len(handled), 500)]
        try:
            return await claimer.claim(limit, marks)
        except BaseException:
            self._handled[:0] = handled
            raise

    async def _idle(self) -> bool:
        """Wait for a wake or the poll interval; True if woken."""
        woken = False
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.config.poll_interval):
                woken = await self._wake.wait()
        self._wake.clear()
        return woken

    async def _publish(self, claimed: Sequence[ClaimedEvent]) -> None:
        for event in claimed:
            self._in_flight[event.envelope.id] = event.attempts
        try:
            with batch_span(
                "relay.publish",
                [event.envelope.traceparent for event in claimed],
                events=len(claimed),
            ):
                results = await self.transport.publish(claimed, self._on_handled)
        except Exception as exc:  # noqa: BLE001 - e.g. the transport stopped: nothing was taken
            log.warning("publish failed", relay=self.token, error=repr(exc))
            results = [exc] * len(claimed)
        ok: list[uuid.UUID] = []
        rejected: list[uuid.UUID] = []
        failures: list[tuple[uuid.UUID, int, str]] = []
        published: Counter[str] = Counter()
        for event, result in zip(claimed, results, strict=True):
            event_id = event.envelope.id
            if result is None:
                published[event.envelope.event_type] += 1
                ok.append(event_id)
                continue
            self._in_flight.pop(event_id, None)
            if isinstance(result, CircuitOpenError):
                rejected.append(event_id)  # not attempted: no attempt counted
            else:
                EVENTS_FAILED.labels(event.envelope.event_type, RELAY).inc()
                failures.append((event_id, event.attempts, f"{type(result).__name__}: {result}"))
        for event_type, count in published.items():  # one labels() lookup per type
            EVENTS_PUBLISHED.labels(event_type).inc(count)
        self.published += len(ok)
        if self.transport.durable and ok:
            # Marked by the flusher, with what else was stored meanwhile: the next claim does
            # not wait for this write. The rows stay claimed by this relay until then, which
            # holds back none of its own claims (claims.py), and a crash before the mark only
            # means a second publish, which the broker drops (Nats-Msg-Id).
            for event_id in ok:
                self._in_flight.pop(event_id, None)
            self._handled.extend(ok)
            self._flush.set()
        await self.store.release(self.token, rejected)
        if await self.store.record_failures(failures):
            log.error("events failed for good", relay=self.token, count=len(failures))

    def _on_handled(self, event_id: uuid.UUID, recorded: bool) -> None:
        attempts = self._in_flight.pop(event_id, 0)
        if recorded:
            self._handled.append(event_id)
        elif not self._stopping:  # on a clean stop the claim is just given back
            self._unhandled.append((event_id, attempts, "a consumer could not record the event"))
        self._flush.set()

    async def _flusher(self) -> None:
        while True:
            await self._flush.wait()
            # Gather a few milliseconds of finished events into one UPDATE: one write per
            # event on top of the consumer's own would halve throughput on SQLite.
            await asyncio.sleep(FLUSH_DELAY)
            self._flush.clear()
            try:
                await self._flush_once()
            except Exception as exc:  # noqa: BLE001 - kept in memory, retried next round
                self._warn("marking events failed", exc)
                await asyncio.sleep(self.config.poll_interval)
                self._flush.set()

    async def _flush_once(self) -> None:
        handled, self._handled = self._handled, []
        unhandled, self._unhandled = self._unhandled, []
        try:
            for start in range(0, len(handled), 500):
                await self.store.mark_dispatched(handled[start : start + 500])
            await self.store.record_failures(unhandled)
        except BaseException:
            self._handled[:0] = handled
            self._unhandled[:0] = unhandled
            raise
        # No wake: a relay's own claims never hold back its claims of younger events of the
        # same aggregates, and a failure backs its aggregate off; the marks free nothing.

    async def _renewer(self) -> None:
        while True:
            await asyncio.sleep(self.config.lease_seconds / 3)
            if self._in_flight or self._handled:
                try:
                    await self.store.renew(self.token)
                except Exception as exc:  # noqa: BLE001 - the next round tries again
                    self._warn("lease renewal failed", exc)

    def _warn(self, what: str, exc: Exception) -> None:
        # The database's outage monitor already warned once for the whole outage.
        if not isinstance(exc, DatabaseUnavailable):
            log.warning(what, relay=self.token, error=repr(exc))
