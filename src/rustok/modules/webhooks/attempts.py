"""Recording attempts and what follows from them (W-3). Attempts finished while a write
is under way are recorded together in the next one (group commit: on SQLite, writers take
turns, and one transaction per attempt would cap the sender at the database's commit
rate); if that transaction fails, each is written alone. Per attempt:

- the attempt row (status code or error, duration, the start of the response);
- the delivery: ``succeeded``; or due again after the next delay of the schedule (±10 %
  jitter); or, after the last one, ``failed`` with ``webhook.delivery_failed`` raised;
- the endpoint: healthy again after a success; after a failure, failing since its first
  failure, and switched off with ``webhook.disabled`` raised once that is longer ago than
  ``RUSTOK_WEBHOOKS_DISABLE_AFTER`` (mailing the tenant's admins is left to the mail
  consumer, which can subscribe to that event).

The delivery is updated only while this sender still holds its claim: a sender whose lease
ran out (another one took the row over) records its attempt and changes nothing else.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from rustok.core.context import RequestContext, use_context
from rustok.core.ids import new_id
from rustok.core.logging import get_logger
from rustok.core.uow import UnitOfWork, UnitOfWorkFactory
from rustok.modules.webhooks.claims import ClaimedDelivery
from rustok.modules.webhooks.events import WebhookDeliveryFailed, WebhookDisabled
from rustok.modules.webhooks.metrics import ATTEMPT_DURATION, DELIVERIES
from rustok.modules.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

JITTER = 0.1
BATCH = 200
log = get_logger("rustok.webhooks")
# Claims the endpoint's next due delivery inside the recording transaction (claims.py).
TakeNext = Callable[[AsyncConnection], Awaitable[list[ClaimedDelivery]]]


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
        rng: random.Random | None = None,
    ) -> None:
        self._uow = uow
        self._token = token
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
        next delivery in the same transaction); return the new status and that claim."""
        ATTEMPT_DURATION.observe(outcome.duration)
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
        results: list[Recorded] = []
        with use_context(RequestContext()):
            async with self._uow(all_tenants=True) as uow:
                await uow.session.execute(
                    insert(WebhookAttempt),
                    [
                        {
                            "id": new_id(), "tenant_id": w.delivery.tenant_id,
                            "delivery_id": w.delivery.id, "attempted_at": w.outcome.attempted_at,
                            "duration_ms": round(w.outcome.duration * 1000),
                            "status_code": w.outcome.status_code, "error": w.outcome.error,
                            "response_excerpt": w.outcome.excerpt,
                        }
                        for w in batch
                    ],
                )  # fmt: skip
                for w in batch:
                    status = await self._update_delivery(uow, w.delivery, w.outcome)
                    following: list[ClaimedDelivery] = []
                    if status != "lost":
                        await self._update_endpoint(uow, w.delivery, w.outcome)
                        if w.then is not None:
                            following = await w.then(await uow.session.connection())
                    results.append((status, following))
                await uow.commit()
        for status, _ in results:
            if status != "lost":
                DELIVERIES.labels("retrying" if status == "pending" else status).inc()
        return results

    async def _update_delivery(
        self, uow: UnitOfWork, delivery: ClaimedDelivery, outcome: AttemptOutcome
    ) -> str:
        now = outcome.attempted_at
        attempts = delivery.attempts + 1
        values: dict[str, object] = {
            "attempts": attempts, "claimed_by": None, "claimed_at": None,
            "last_status_code": outcome.status_code, "last_error": outcome.error,
        }  # fmt: skip
        delay = None if outcome.succeeded else self.next_delay(attempts)
        if outcome.succeeded:
            values.update(status="succeeded", completed_at=now)
        elif delay is None:
            values.update(status="failed", completed_at=now)
        else:
            values.update(status="pending", next_attempt_at=now + dt.timedelta(seconds=delay))
        result = await uow.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery.id, WebhookDelivery.claimed_by == self._token)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return "lost"  # the lease ran out and another sender took the delivery over
        status = str(values["status"])
        if status == "failed":
            uow.publish(
                WebhookDeliveryFailed(
                    webhook_id=delivery.endpoint_id, event_id=delivery.event_id,
                    error=(outcome.error or f"HTTP {outcome.status_code}")[:500],
                    status_code=outcome.status_code,
                ),
                tenant_id=delivery.tenant_id,
            )  # fmt: skip
        return status

    async def _update_endpoint(
        self, uow: UnitOfWork, delivery: ClaimedDelivery, outcome: AttemptOutcome
    ) -> None:
        endpoint = WebhookEndpoint
        if outcome.succeeded:
            if delivery.failing_since is not None:
                await uow.session.execute(
                    update(endpoint)
                    .where(endpoint.id == delivery.endpoint_id)
                    .values(failing_since=None)
                    .execution_options(synchronize_session=False)
                )
            return
        row = await uow.session.get(endpoint, delivery.endpoint_id, with_for_update=True)
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
