"""The in-process transport: the relay feeds the dispatch queue of its own process."""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rustok.core.platform import CheckResult
from rustok.outbox.transports.base import HandledCallback, TransportUnavailable

if TYPE_CHECKING:
    from rustok.core.consumer import ConsumerSpec
    from rustok.outbox.claims import ClaimedEvent
    from rustok.outbox.consumers import ConsumerRunner
    from rustok.outbox.dispatcher import EventDispatcher


class MemoryTransport:
    """Not durable: an event counts as dispatched once every local consumer recorded it."""

    name = "memory"
    durable = False

    def __init__(self, dispatcher: EventDispatcher) -> None:
        self.dispatcher = dispatcher
        self._by_type: dict[str, list[ConsumerRunner]] = {}
        self._running = False

    async def start(
        self, runners: Sequence[ConsumerRunner], subscribers: Sequence[ConsumerSpec] = ()
    ) -> None:
        by_type: defaultdict[str, list[ConsumerRunner]] = defaultdict(list)
        for runner in runners:
            for event_type in runner.spec.type_names:
                by_type[event_type].append(runner)
        self._by_type = dict(by_type)
        self._running = True

    async def stop(self) -> None:
        self._running = False

    async def publish(
        self, events: Sequence[ClaimedEvent], on_handled: HandledCallback
    ) -> list[BaseException | None]:
        if not self._running:
            raise TransportUnavailable("memory transport stopped")
        for event in events:
            envelope = event.envelope
            self.dispatcher.submit(
                envelope,
                self._by_type.get(envelope.event_type, ()),
                functools.partial(_report, on_handled, envelope.id),
            )
        return [None] * len(events)

    async def wait_until_available(self) -> None:
        return None

    async def health(self) -> CheckResult:
        return CheckResult("ok", detail="in-process (memory transport)")


def _report(on_handled: HandledCallback, event_id: uuid.UUID, recorded: bool) -> None:
    on_handled(event_id, recorded)
