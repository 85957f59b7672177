"""Recording attempts and what follows from them (W-3). Attempts finished while a write
is under way are recorded together in the next one (group commit: on SQLite, writers take
turns, and one transaction per attempt would cap the sender at the database's commit
rate); if that transaction fails, each is written alone. Per attempt:

- the attempt row (status code or error, duration, the start of the response);
- the delivery: ``succeeded``; or due again after the next delay of the schedule (±10 %
  jitter); or, after the last one, ``failed`` with ``webhook.delivery_failed`` raised;
- the endpoint: healthy again after a success; after a failure, failing since its first
  failure, and switched off with ``webhook.disabled`` raised once that is longer ago than
  ``RUSTOK_WEBHOOKS_DISABLE_AFTER`` (the ``webhooks.disabled_mail`` consumer mails the
  tenant's webhook administrators about it).

The delivery is updated only while this sender still holds its claim: a sender whose lease
ran out (another one took the row over) records its attempt and changes nothing else.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from rustok.core.context import RequestContext, use_context
from rustok.core.ids import new_id
from rustok.core.logging import get_logger
from rustok.core.uow import UnitOfWork, UnitOfWorkFactory
from rustok.modules.webhooks import metrics
from rustok.modules.webhooks.claims import DELIVERIES, ENDPOINTS, ClaimedDelivery
from rustok.modules.webhooks.events import WebhookDeliveryFailed, WebhookDisabled
from rustok.modules.webhooks.models import WebhookAttempt, WebhookEndpoint

JITTER = 0.1
BATCH = 200
RECORD_GATHER_SECONDS = 0.002
log = get_logger("rustok.webhooks")
# Claims an endpoint's next due deliveries inside the recording transaction (claims.py:
# ``DeliveryClaimer.take_next`` at the sender's clock): connection, endpoint, how many.
ClaimNext = Callable[[AsyncConnection, uuid.UUID, int], Awaitable[list[ClaimedDelivery]]]


@dataclass(frozen=True, slots=True)
class TakeNext:
    """With an attempt's record: claim up to ``limit`` more of its endpoint's deliveries."""

    limit: int


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    attempted_at: dt.datetime
    duration: float  # seconds
    status_code: int | None = None
    error: str | None = None
    excerpt: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


Recorded = tuple[str, list[ClaimedDelivery]]


@dataclass(slots=True)
class _Waiting:
    delivery: ClaimedDelivery
    outcome: AttemptOutcome
    then: TakeNext | None
    done: asyncio.Future[Recorded] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


def _settle(batch: list[_Waiting], results: list[Recorded]) -> None:
    for waiting, result in zip(batch, results, strict=True):
        if not waiting.done.done():  # its task may have been cancelled meanwhile
            waiting.done.set_result(result)


class AttemptRecorder:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        *,
        token: str,
        schedule: Sequence[float],
        disable_after: float,
        claim_next: ClaimNext | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._uow = uow
        self._token = token
        self._claim_next = claim_next
        self.schedule = tuple(schedule)
        self.disable_after = dt.timedelta(seconds=disable_after) if disable_after else None
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrecy
        self._waiting: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None

    def next_delay(self, attempts: int) -> float | None:
        """Seconds until the next attempt after ``attempts`` failed ones (None: give up)."""
        if attempts > len(self.schedule):
            return None
        return self.schedule[attempts - 1] * self._rng.uniform(1 - JITTER, 1 + JITTER)

    async def record(
        self, delivery: ClaimedDelivery, outcome: AttemptOutcome, then: TakeNext | None = None
    ) -> Recorded:
        """Write the attempt and its consequences (and, with ``then``, claim the endpoint's
        next deliveries in the same transaction); return the new status and those claims."""
        metrics.ATTEMPT_DURATION.observe(outcome.duration)
        waiting = _Waiting(delivery, outcome, then)
        self._waiting.append(waiting)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting(), name="webhooks:recorder")
        return await waiting.done

    async def drain(self) -> None:
        """Wait until every attempt handed in is written (a stopping sender)."""
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)

    async def _write_waiting(self) -> None:
        # Attempts sent together finish together: a moment's wait lets the first one's
        # record take the others along instead of a transaction each.
        await asyncio.sleep(RECORD_GATHER_SECONDS)
        while self._waiting:
            batch, self._waiting = self._waiting[:BATCH], self._waiting[BATCH:]
            try:
                _settle(batch, await self._write(batch))
            except Exception:  # noqa: BLE001 - one bad record must not hold back the others
                for waiting in batch:
                    try:
                        _settle([waiting], await self._write([waiting]))
                    except Exception as exc:  # noqa: BLE001 - handed to the attempt's task
                        if not waiting.done.done():
                            waiting.done.set_exception(exc)

    async def _write(self, batch: list[_Waiting]) -> list[Recorded]:
        """One transaction, a few statements whatever the batch size (most attempts succeed
        or are retried: their rows change together; failures change their endpoint)."""
        with use_context(RequestContext()):
            async with self._uow(all_tenants=True) as uow:
                session = uow.session
                await session.execute(insert(ATTEMPTS), [_attempt_row(w) for w in batch])
                kept, changes = await self._update_held(session, batch)
                for w, change in zip(kept, changes, strict=True):
                    if change["b_status"] == "failed":
                        uow.publish(_failed_event(w), tenant_id=w.delivery.tenant_id)
                await self._update_endpoints(uow, kept)
                following = await self._take_next(await session.connection(), kept)
                await uow.commit()
        results: list[Recorded] = []
        statuses = {w.delivery.id: c["b_status"] for w, c in zip(kept, changes, strict=True)}
        for w in batch:
            status = str(statuses.get(w.delivery.id, "lost"))
            if status != "lost":
                metrics.DELIVERIES.labels("retrying" if status == "pending" else status).inc()
            results.append((status, following.get(id(w), [])))
        return results

    async def _update_held(
        self, session: AsyncSession, batch: list[_Waiting]
    ) -> tuple[list[_Waiting], list[dict[str, object]]]:
        """Update the deliveries this sender still holds; return those and their changes.
        One attempt (the usual batch at a steady trickle): one conditional UPDATE; more:
        which are held, then one executemany UPDATE."""
        if len(batch) == 1:
            change = self._delivery_change(batch[0])
            held = await session.execute(_UPDATE_HELD, {**change, "b_token": self._token})
            return ([batch[0]], [change]) if held.first() is not None else ([], [])
        held_ids = set(
            await session.scalars(
                select(DELIVERIES.c.id).where(
                    DELIVERIES.c.id.in_([w.delivery.id for w in batch]),
                    DELIVERIES.c.claimed_by == self._token,
                )
            )
        )
        kept = [w for w in batch if w.delivery.id in held_ids]
        changes = [self._delivery_change(w) for w in kept]
        if changes:
            await session.execute(_UPDATE_DELIVERY, changes)
        return kept, changes

    async def _take_next(
        self, conn: AsyncConnection, kept: list[_Waiting]
    ) -> dict[int, list[ClaimedDelivery]]:
        """What each attempt's ``then`` asked for: one claim per endpoint for the whole
        batch, shared out in the batch's order."""
        wanted: dict[uuid.UUID, int] = {}
        for w in kept:
            if w.then is not None and w.then.limit > 0:
                endpoint_id = w.delivery.endpoint_id
                wanted[endpoint_id] = wanted.get(endpoint_id, 0) + w.then.limit
        if not wanted or self._claim_next is None:
            return {}
        taken = {
            endpoint_id: deque(await self._claim_next(conn, endpoint_id, limit))
            for endpoint_id, limit in wanted.items()
        }
        following: dict[int, list[ClaimedDelivery]] = {}
        for w in kept:
            if w.then is not None:
                left = taken[w.delivery.endpoint_id]
                following[id(w)] = [left.popleft() for _ in range(min(w.then.limit, len(left)))]
        return following

    def _delivery_change(self, w: _Waiting) -> dict[str, object]:
        now, outcome = w.outcome.attempted_at, w.outcome
        attempts = w.delivery.attempts + 1
        delay = None if outcome.succeeded else self.next_delay(attempts)
        status = "succeeded" if outcome.succeeded else "failed" if delay is None else "pending"
        return {
            "b_id": w.delivery.id, "b_status": status, "b_attempts": attempts,
            "b_code": outcome.status_code, "b_error": outcome.error,
            "b_next": None if delay is None else now + dt.timedelta(seconds=delay),
            "b_completed": None if status == "pending" else now,
        }  # fmt: skip

    async def _update_endpoints(self, uow: UnitOfWork, kept: list[_Waiting]) -> None:
        healthy = {
            w.delivery.endpoint_id
            for w in kept
            if w.outcome.succeeded and w.delivery.failing_since is not None
        }
        if healthy:
            await uow.session.execute(
                update(ENDPOINTS).where(ENDPOINTS.c.id.in_(healthy)).values(failing_since=None)
            )
        for w in kept:
            if not w.outcome.succeeded:
                await self._endpoint_failed(uow, w.delivery, w.outcome)

    async def _endpoint_failed(
        self, uow: UnitOfWork, delivery: ClaimedDelivery, outcome: AttemptOutcome
    ) -> None:
        row = await uow.session.get(WebhookEndpoint, delivery.endpoint_id, with_for_update=True)
        if row is None:
            return
        now = outcome.attempted_at
        if row.failing_since is None:
            row.failing_since = now
        elif (
            self.disable_after is not None
            and row.active
            and now - row.failing_since >= self.disable_after
        ):
            row.active = False
            row.disabled_at = now
            row.disabled_reason = (
                f"every attempt failed since {row.failing_since.isoformat()}; last: "
                f"{outcome.error or f'HTTP {outcome.status_code}'}"
            )[:500]
            uow.publish(
                WebhookDisabled(webhook_id=row.id, reason=row.disabled_reason),
                tenant_id=row.tenant_id,
            )
        await uow.session.flush()


# Executed with one parameter set per attempt (executemany): the rows change together.
_UPDATE_DELIVERY = (
    update(DELIVERIES)
    .where(DELIVERIES.c.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"), attempts=bindparam("b_attempts"), claimed_by=None,
        claimed_at=None, last_status_code=bindparam("b_code"), last_error=bindparam("b_error"),
        next_attempt_at=bindparam("b_next"), completed_at=bindparam("b_completed"),
    )
)  # fmt: skip


_UPDATE_HELD = _UPDATE_DELIVERY.where(DELIVERIES.c.claimed_by == bindparam("b_token")).returning(
    DELIVERIES.c.id
)
ATTEMPTS: Any = WebhookAttempt.__table__


def _attempt_row(w: _Waiting) -> dict[str, object]:
    return {
        "id": new_id(), "tenant_id": w.delivery.tenant_id, "delivery_id": w.delivery.id,
        "attempted_at": w.outcome.attempted_at, "duration_ms": round(w.outcome.duration * 1000),
        "status_code": w.outcome.status_code, "error": w.outcome.error,
        "response_excerpt": w.outcome.excerpt,
    }  # fmt: skip


def _failed_event(w: _Waiting) -> WebhookDeliveryFailed:
    return WebhookDeliveryFailed(
        webhook_id=w.delivery.endpoint_id, event_id=w.delivery.event_id,
        error=(w.outcome.error or f"HTTP {w.outcome.status_code}")[:500],
        status_code=w.outcome.status_code,
    )  # fmt: skip
