"""The bounded in-process dispatch queue between the transport and the consumers (E-7).

One slot per taken event (memory transport: per outbox row, for all its consumers; NATS:
per broker message, for its one consumer). The slot is held until every consumer it went to
has finished with it and is released exactly once, by its :class:`DispatchTicket`.

    depth <  70 %  normal
    depth >= 70 %  warning
    depth >= 90 %  critical: the relay (or NATS fetcher) takes nothing more until the depth
                   falls below the warning mark again

Nothing is ever dropped: producers only take as much as :meth:`EventDispatcher.room` allows,
and what they have not taken stays in the outbox (or the broker).
"""

from __future__ import annotations

import asyncio
import enum
import math
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rustok.outbox.metrics import BACKPRESSURE_STATE, QUEUE_DEPTH

if TYPE_CHECKING:
    from rustok.core.events import Envelope
    from rustok.outbox.consumers import ConsumerRunner

DoneCallback = Callable[[bool], None]


class BackpressureState(enum.IntEnum):
    NORMAL = 0
    WARNING = 1
    CRITICAL = 2


class DispatchTicket:
    """One taken event; finished once per consumer, releases its slot on the last finish."""

    __slots__ = ("_dispatcher", "_ok", "_on_done", "_remaining", "received")

    def __init__(self, dispatcher: EventDispatcher, consumers: int, on_done: DoneCallback) -> None:
        self.received = time.monotonic()  # when the event reached this process
        self._dispatcher = dispatcher
        self._remaining = consumers
        self._ok = True
        self._on_done = on_done

    @property
    def remaining(self) -> int:
        return self._remaining

    def finish(self, recorded: bool) -> None:
        """One consumer is done: ``recorded`` when it handled, skipped or parked the event."""
        if self._remaining <= 0:
            raise RuntimeError("dispatch ticket finished more often than it has consumers")
        self._remaining -= 1
        self._ok = self._ok and recorded
        if self._remaining == 0:
            self._dispatcher._release()
            self._on_done(self._ok)


class EventDispatcher:
    """Counts taken events against the capacity and routes them to consumer runners."""

    def __init__(
        self, capacity: int = 10_000, *, warning_ratio: float = 0.7, critical_ratio: float = 0.9
    ) -> None:
        if not 0 < warning_ratio < critical_ratio <= 1:
            raise ValueError("need 0 < warning_ratio < critical_ratio <= 1")
        self.capacity = capacity
        self.warning_at = max(1, math.ceil(capacity * warning_ratio))
        self.critical_at = max(self.warning_at + 1, math.ceil(capacity * critical_ratio))
        self._depth = 0
        self._critical = False
        self._has_room = asyncio.Event()
        self._has_room.set()
        self.peak_depth = 0
        self._published_state = BackpressureState.NORMAL
        QUEUE_DEPTH.set(0)
        BACKPRESSURE_STATE.set(0)

    @property
    def depth(self) -> int:
        return self._depth

    @property
    def state(self) -> BackpressureState:
        if self._depth >= self.critical_at:
            return BackpressureState.CRITICAL
        if self._depth >= self.warning_at:
            return BackpressureState.WARNING
        return BackpressureState.NORMAL

    def room(self) -> int:
        """How many events a producer may take now (0 while critical, until below warning)."""
        if self._critical:
            return 0
        return max(0, self.critical_at - self._depth)

    async def wait_for_room(self) -> None:
        while self.room() == 0:
            await self._has_room.wait()

    def submit(
        self, envelope: Envelope, runners: Sequence[ConsumerRunner], on_done: DoneCallback
    ) -> None:
        """Hand one event to its consumers; ``on_done(all recorded)`` runs once at the end."""
        if not runners:
            on_done(True)
            return
        if self._depth >= self.capacity:
            # Producers take only room() events, so this is a bug, never a reason to drop.
            raise RuntimeError(f"dispatch queue over capacity ({self.capacity})")
        self._depth += 1
        self.peak_depth = max(self.peak_depth, self._depth)
        if self._depth >= self.critical_at:
            self._critical = True
            self._has_room.clear()
        self._publish_state()
        ticket = DispatchTicket(self, len(runners), on_done)
        for runner in runners:
            runner.enqueue(envelope, ticket)

    def _release(self) -> None:
        if self._depth <= 0:
            raise RuntimeError("dispatch slot released twice")
        self._depth -= 1
        if self._critical and self._depth < self.warning_at:
            self._critical = False
            self._has_room.set()
        self._publish_state()

    def _publish_state(self) -> None:
        QUEUE_DEPTH.set(self._depth)
        state = self.state
        if state is not self._published_state:  # twice per event: only the changes
            self._published_state = state
            BACKPRESSURE_STATE.set(int(state))
