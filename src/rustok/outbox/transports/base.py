"""The transport contract the relay publishes through (E-5).

``durable`` says what a successful :meth:`Transport.publish` means:

- ``True`` (NATS JetStream): the broker stored the event; the relay marks the row
  ``dispatched`` at once, and the broker delivers it to every durable consumer.
- ``False`` (memory): the event only sits in this process's dispatch queue; the row stays
  claimed (its lease renewed) until every local consumer recorded it, and ``on_handled``
  tells the relay when that happened.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from rustok.core.errors import Unavailable

if TYPE_CHECKING:
    from rustok.core.consumer import ConsumerSpec
    from rustok.core.platform import CheckResult
    from rustok.outbox.claims import ClaimedEvent
    from rustok.outbox.consumers import ConsumerRunner

# (event id, every consumer recorded it) — called by non-durable transports.
HandledCallback = Callable[[uuid.UUID, bool], None]


class TransportUnavailable(Unavailable):
    code = "BROKER_UNAVAILABLE"
    title = "Event broker unavailable"


class Transport(Protocol):
    name: str
    durable: bool

    async def start(
        self, runners: Sequence[ConsumerRunner], subscribers: Sequence[ConsumerSpec] = ()
    ) -> None:
        """Connect and start delivering to the consumers of this process. ``subscribers``:
        every consumer of the deployment, run here or in another process (a broker keeps
        their messages from the first publish on)."""

    async def stop(self) -> None: ...

    async def publish(
        self, events: Sequence[ClaimedEvent], on_handled: HandledCallback
    ) -> list[BaseException | None]:
        """Hand events over in order; one result per event (None: accepted)."""
        ...

    async def wait_until_available(self) -> None:
        """Return when publishing may succeed (a broker behind an open breaker: later)."""

    async def health(self) -> CheckResult: ...
