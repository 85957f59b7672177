"""The event runtime of one process: transport, dispatch queue, consumers and relay.

Built by ``bootstrap`` for every platform (cheap: nothing connects), started by
``rustok serve`` (unless ``RUSTOK_SERVE_EVENTS=false``) and by ``rustok worker``. Start
order: consumers, then the transport (NATS durables exist before anything is published),
then the relay. Stop order is the reverse, so claims of unfinished events are given back.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rustok.core.events import CATALOGUE
from rustok.core.logging import get_logger
from rustok.core.platform import CheckResult, ReadinessCheck
from rustok.core.resilience import BreakerConfig, CircuitBreaker
from rustok.outbox.consumers import ConsumerRunner
from rustok.outbox.dispatcher import EventDispatcher
from rustok.outbox.metrics import OUTBOX_FAILED, OUTBOX_OLDEST_PENDING, OUTBOX_PENDING
from rustok.outbox.relay import OutboxRelay, RelayConfig
from rustok.outbox.store import OutboxFigures, OutboxStore
from rustok.outbox.transports.memory import MemoryTransport

if TYPE_CHECKING:
    from rustok.core.consumer import ConsumerSpec
    from rustok.core.platform import Platform
    from rustok.core.settings import Settings
    from rustok.outbox.transports.base import Transport

log = get_logger("rustok.events")
FIGURES_INTERVAL = 5.0
# What a process runs of the event backbone: both by default; ``rustok worker --only``
# splits them between processes (behind a broker only: see ``run_worker``).
EVENT_PARTS = frozenset({"relay", "consumers"})
# A claim on PostgreSQL locks its own rows only (SKIP LOCKED), and what a batch costs is
# mostly round trips (the claim, the consumers' transactions, the mark), whatever its size:
# it takes this many times RUSTOK_OUTBOX_BATCH_SIZE. SQLite's claim holds the database's
# one writer lock, so there it takes the setting as it is.
POSTGRES_CLAIM_FACTOR = 5


def check_consumers(specs: Sequence[ConsumerSpec]) -> None:
    """Unique names, and only event types the catalogue declares."""
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise ValueError(f"two consumers are named {spec.name!r}")
        seen.add(spec.name)
        for event_type in spec.type_names:
            if event_type not in CATALOGUE:
                raise ValueError(f"consumer {spec.name!r}: unknown event type {event_type!r}")


def claim_size(settings: Settings, *, sqlite: bool) -> int:
    """Rows per relay claim (see :data:`POSTGRES_CLAIM_FACTOR`)."""
    return settings.outbox_batch_size * (1 if sqlite else POSTGRES_CLAIM_FACTOR)


def lanes_of(spec: ConsumerSpec, settings: Settings) -> int:
    """A batch lane takes all that is queued behind it: one lane already batches, more cut a
    relay batch into more transactions (``consumers.py``)."""
    return settings.consumer_batch_lanes if spec.batch else settings.consumer_concurrency


class EventRuntime:
    """Implements ``core.platform.BackgroundService`` for the event backbone."""

    def __init__(self, platform: Platform, *, local_origin: str | None = None) -> None:
        """``local_origin``: the origin of the platform's outbox writer, whose commits wake
        the relay through :meth:`wake` (so its relay ignores their notifications)."""
        settings = platform.settings
        self.platform = platform
        self.dispatcher = EventDispatcher(settings.event_queue_size)
        self.breaker = CircuitBreaker(
            "nats", BreakerConfig(open_seconds=settings.broker_breaker_open_seconds)
        )
        self.transport: Transport
        if settings.event_transport == "nats":
            assert settings.nats_url is not None  # enforced by the settings
            # Imported here: nats-py costs a process that does not use it ~0.1 s of start-up.
            from rustok.outbox.transports.nats import NatsTransport

            self.transport = NatsTransport(
                settings.nats_url, self.dispatcher, self.breaker,
                stream=settings.nats_stream, timeout=settings.broker_timeout_seconds,
                ack_wait=settings.outbox_lease_seconds,
            )  # fmt: skip
        else:
            self.transport = MemoryTransport(self.dispatcher)
        self.relay = OutboxRelay(
            platform.db,
            self.transport,
            self.dispatcher,
            RelayConfig(
                batch_size=claim_size(settings, sqlite=platform.db.is_sqlite),
                poll_interval=settings.outbox_poll_interval,
                lease_seconds=settings.outbox_lease_seconds,
                max_attempts=settings.outbox_max_attempts,
            ),
            local_origin=local_origin,
        )
        self.store = OutboxStore(platform.db, max_attempts=settings.outbox_max_attempts)
        self.runners: list[ConsumerRunner] = []
        self.parts = EVENT_PARTS
        self._figures_task: asyncio.Task[None] | None = None
        self.started = False

    def wake(self, count: int = 0) -> None:
        self.relay.wake(count)

    async def start(self) -> None:
        if self.started:
            return
        every = [*self.platform.consumers, *(c for m in self.platform.modules for c in m.consumers)]
        check_consumers(every)
        specs = every if "consumers" in self.parts else []
        settings = self.platform.settings
        self.runners = [
            ConsumerRunner(
                spec,
                self.platform.db,
                self.platform.uow,
                lanes=lanes_of(spec, settings),
                max_attempts=settings.consumer_max_attempts,
                # A broker redelivers and shares durables across processes (consumers.py).
                order_guard=self.transport.durable,
                order_wait=settings.outbox_lease_seconds / 2,  # well within ack_wait
                tenants=self.platform.tenants,
            )
            for spec in specs
        ]
        for runner in self.runners:
            runner.start()
        await self.transport.start(self.runners, every)
        if "relay" in self.parts:
            self.relay.start()
        self._figures_task = asyncio.create_task(self._publish_figures(), name="outbox:figures")
        self.started = True
        log.info("event runtime started", transport=self.transport.name,
                 consumers=[r.name for r in self.runners],
                 relay=self.relay.token if "relay" in self.parts else None)  # fmt: skip

    async def stop(self) -> None:
        if not self.started:
            return
        self.started = False
        if self._figures_task is not None:
            self._figures_task.cancel()
            await asyncio.gather(self._figures_task, return_exceptions=True)
        await self.relay.stop_claiming()
        await self.transport.stop()
        for runner in self.runners:
            await runner.stop()
        await self.relay.stop()

    async def _publish_figures(self) -> None:
        while True:
            with contextlib.suppress(Exception):
                record_figures(await self.store.figures())
            await asyncio.sleep(FIGURES_INTERVAL)

    def readiness_checks(self) -> list[ReadinessCheck]:
        """Broker and relay lag for ``/health/ready``: degraded, never 503 (writes go on)."""
        return [
            ReadinessCheck("broker", self._broker_check, critical=False),
            ReadinessCheck("relay", self._relay_check, critical=False),
        ]

    async def _broker_check(self) -> CheckResult:
        return await self.transport.health()

    async def _relay_check(self) -> CheckResult:
        figures = await self.store.figures()
        record_figures(figures)
        limit = self.platform.settings.relay_lag_degraded_seconds
        detail = (
            f"{figures.pending} pending, oldest {figures.oldest_pending_seconds:.1f} s, "
            f"{figures.failed} failed"
        )
        if self.started and "relay" in self.parts and not self.relay.running:
            return CheckResult("down", detail=f"relay stopped; {detail}")
        if figures.oldest_pending_seconds > limit:
            return CheckResult("degraded", detail=f"lagging: {detail}")
        return CheckResult("ok", detail=detail)


def record_figures(figures: OutboxFigures) -> None:
    OUTBOX_PENDING.set(figures.pending)
    OUTBOX_FAILED.set(figures.failed)
    OUTBOX_OLDEST_PENDING.set(figures.oldest_pending_seconds)
