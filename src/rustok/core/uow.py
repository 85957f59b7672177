"""The unit of work: one transaction for the domain rows *and* the events they raise (E-3).

    async with uow_factory() as uow:
        uow.session.add(order)
        uow.publish(OrderPlaced(...))
        await uow.commit()

``publish`` validates the payload at once and stages an :class:`Envelope`; ``commit`` hands
the staged envelopes to the event sink (the outbox writer), which inserts them in the same
transaction, then commits and wakes the relay. Leaving the block without committing rolls
everything back, events included. There is no other way to publish a domain event.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Protocol, Self

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.context import current_context
from rustok.core.db import Database, utcnow
from rustok.core.events import Envelope, EventPayload, validate_payload
from rustok.core.ids import new_id
from rustok.core.telemetry import current_traceparent, new_traceparent
from rustok.core.tracing import span as tracing_span


class EventSink(Protocol):
    """Writes staged envelopes inside the caller's transaction (the outbox writer)."""

    async def write(self, session: AsyncSession, envelopes: Sequence[Envelope]) -> None: ...


CommitHook = Callable[[int], None]


class UnitOfWork:
    """One write transaction plus its staged events. Not reentrant (SQLite writer lock)."""

    def __init__(
        self,
        db: Database,
        sink: EventSink,
        *,
        after_commit: Sequence[CommitHook] = (),
        all_tenants: bool = False,
    ) -> None:
        self._db = db
        self._sink = sink
        self._after_commit = tuple(after_commit)
        self._all_tenants = all_tenants
        self._staged: list[Envelope] = []
        self._stack = contextlib.AsyncExitStack()
        self._session: AsyncSession | None = None
        self._on_commit: list[Callable[[], Awaitable[None]]] = []
        self.committed = False

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside its 'async with' block")
        return self._session

    async def __aenter__(self) -> Self:
        await self._stack.enter_async_context(self._db.writer())
        self._session = await self._stack.enter_async_context(
            self._db.write_session(all_tenants=self._all_tenants)
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            # After a commit, objects stay readable (closing releases the connection and
            # discards later uncommitted work); otherwise roll back, which expires them.
            uncommitted = exc_type is not None or not self.committed
            if self._session is not None and uncommitted and self._session.in_transaction():
                await self._session.rollback()
            self._staged.clear()
            self._on_commit.clear()
        finally:
            await self._stack.aclose()
            self._session = None

    def publish(self, payload: EventPayload, *, tenant_id: uuid.UUID | None = None) -> Envelope:
        """Validate and stage an event; it is written only if the transaction commits.

        ``tenant_id`` may differ from the context's tenant only in an all-tenants unit of
        work (platform code such as tenant creation).
        """
        validate_payload(payload)
        ctx = current_context()
        tenant = ctx.tenant_id if tenant_id is None else tenant_id
        if tenant is None:
            raise RuntimeError(f"{payload.event_type} raised without a tenant")
        if tenant_id is not None and not self._all_tenants and tenant_id != ctx.tenant_id:
            raise RuntimeError("an event for another tenant needs an all-tenants unit of work")
        event_id = new_id()
        envelope = Envelope(
            id=event_id,
            event_type=payload.event_type,
            schema_version=payload.schema_version,
            tenant_id=tenant,
            occurred_at=utcnow(),
            payload=_to_dict(payload),
            actor_id=ctx.actor_id,
            correlation_id=ctx.correlation_id or event_id,
            causation_id=ctx.causation_id,
            traceparent=current_traceparent() or new_traceparent(),
            aggregate_id=payload.aggregate_id(),
        )
        self._staged.append(envelope)
        return envelope

    def on_commit(self, action: Callable[[], Awaitable[None]]) -> None:
        """Run ``action`` after the next successful commit. For cache invalidation only:
        domain events go through :meth:`publish`, never through callbacks."""
        self._on_commit.append(action)

    @property
    def staged(self) -> tuple[Envelope, ...]:
        return tuple(self._staged)

    async def commit(self) -> None:
        session = self.session
        staged, self._staged = self._staged, []
        if staged:
            with tracing_span("outbox.write", events=len(staged)):
                await self._sink.write(session, staged)
        await session.commit()
        self.committed = True
        if staged:
            for hook in self._after_commit:
                hook(len(staged))
        actions, self._on_commit = self._on_commit, []
        for action in actions:
            await action()

    async def rollback(self) -> None:
        self._staged.clear()
        await self.session.rollback()


def _to_dict(payload: EventPayload) -> dict[str, object]:
    data = msgspec.to_builtins(payload)
    assert isinstance(data, dict)
    return data


class UnitOfWorkFactory:
    """Builds units of work wired to the outbox and the relay's wake-up."""

    def __init__(self, db: Database, sink: EventSink) -> None:
        self.db = db
        self.sink = sink
        self.after_commit: list[CommitHook] = []

    def __call__(self, *, all_tenants: bool = False) -> UnitOfWork:
        return UnitOfWork(
            self.db, self.sink, after_commit=self.after_commit, all_tenants=all_tenants
        )
