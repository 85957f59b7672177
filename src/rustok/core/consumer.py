"""Named event consumers (E-6): who reacts to which event types, declared as data.

    @consumer("index.products", on=[ProductCreated, InventoryUpdated])
    async def index_product(payload: ProductCreated | InventoryUpdated, envelope: Envelope,
                            uow: UnitOfWork) -> None:
        ...  # write the effects through uow.session; the runner commits

Modules list theirs in ``ModuleSpec.consumers``; platform packages append to
``Platform.consumers`` before the event runtime starts. The runner (``rustok.outbox``)
gives each handler the typed payload, the envelope and a unit of work scoped to the event's
tenant, writes the inbox row in that same transaction and commits it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

# Imported at run time: Litestar resolves Platform's annotations, which include these.
from rustok.core.db import Database
from rustok.core.events import Envelope, EventPayload
from rustok.core.uow import UnitOfWork

CONSUMER_NAME_RE = re.compile(r"^[a-z][a-z0-9_.-]{1,63}$")

# The payload parameter is typed by each handler as one of (or the union of) its ``on``
# types; Callable's contravariance leaves ``Any`` as the only common annotation here.
EventHandler = Callable[[Any, Envelope, UnitOfWork], Awaitable[None]]
# Asked before the handling transaction whether the handler has anything to do for an event
# that reached this process at ``received`` (``time.monotonic()``). False: the handler does
# not run; behind a broker the event is still recorded in the inbox (the order guard of its
# aggregate's younger events reads it), with the memory transport nothing is written.
EventFilter = Callable[[Database, Envelope, float], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class ConsumerSpec:
    """A named, idempotent handler of some event types."""

    name: str
    event_types: tuple[type[EventPayload], ...]
    handler: EventHandler
    # None: the platform's default (RUSTOK_CONSUMER_MAX_ATTEMPTS).
    max_attempts: int | None = None
    # Handle queued events of one tenant several per transaction. Handlers run again when
    # another event of their batch fails (the transaction is rolled back and the rest is
    # handled again), so False for a handler whose effects outside the transaction must
    # not repeat (sending a mail, calling an HTTP endpoint).
    batch: bool = True
    wants: EventFilter | None = None

    def __post_init__(self) -> None:
        if not CONSUMER_NAME_RE.match(self.name):
            raise ValueError(f"consumer name {self.name!r} must match {CONSUMER_NAME_RE.pattern}")
        if not self.event_types:
            raise ValueError(f"consumer {self.name!r} subscribes to no event type")
        if self.max_attempts is not None and self.max_attempts < 1:
            raise ValueError(f"consumer {self.name!r}: max_attempts must be at least 1")

    @property
    def type_names(self) -> frozenset[str]:
        return frozenset(t.event_type for t in self.event_types)

    def __str__(self) -> str:
        return self.name


def consumer(
    name: str,
    *,
    on: Sequence[type[EventPayload]],
    max_attempts: int | None = None,
    batch: bool = True,
    wants: EventFilter | None = None,
) -> Callable[[EventHandler], ConsumerSpec]:
    """Declare a handler as a named consumer of the ``on`` event types."""

    def declare(handler: EventHandler) -> ConsumerSpec:
        return ConsumerSpec(name, tuple(on), handler, max_attempts, batch, wants)

    return declare
