"""Recording one attempt and what follows from it (W-3), in one unit of work of the
delivery's tenant:

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

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, update

from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.ids import new_id
from rustok.core.uow import UnitOfWork
from rustok.modules.webhooks.claims import ClaimedDelivery
from rustok.modules.webhooks.events import WebhookDeliveryFailed, WebhookDisabled
from rustok.modules.webhooks.metrics import ATTEMPT_DURATION, DELIVERIES
from rustok.modules.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

JITTER = 0.1


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


def tenant_scope(delivery: ClaimedDelivery) -> use_context:
    tenant = TenantRef(id=delivery.tenant_id, slug=str(delivery.tenant_id), name="")
    return use_context(RequestContext(tenant=tenant))


class AttemptRecorder:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
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

    def next_delay(self, attempts: int) -> float | None:
        """Seconds until the next attempt after ``attempts`` failed ones (None: give up)."""
        if attempts > len(self.schedule):
            return None
        return self.schedule[attempts - 1] * self._rng.uniform(1 - JITTER, 1 + JITTER)

    async def record(self, delivery: ClaimedDelivery, outcome: AttemptOutcome) -> str:
        """Write the attempt and its consequences; return the delivery's new status."""
        ATTEMPT_DURATION.observe(outcome.duration)
        attempts = delivery.attempts + 1
        now = outcome.attempted_at
        with tenant_scope(delivery):
            async with self._uow() as uow:
                await uow.session.execute(
                    insert(WebhookAttempt).values(
                        id=new_id(), tenant_id=delivery.tenant_id, delivery_id=delivery.id,
                        attempted_at=now, duration_ms=round(outcome.duration * 1000),
                        status_code=outcome.status_code, error=outcome.error,
                        response_excerpt=outcome.excerpt,
                    )
                )  # fmt: skip
                status = await self._update_delivery(uow, delivery, outcome, attempts)
                if status != "lost":
                    await self._update_endpoint(uow, delivery, outcome)
                await uow.commit()
        if status != "lost":
            DELIVERIES.labels("retrying" if status == "pending" else status).inc()
        return status

    async def _update_delivery(
        self, uow: UnitOfWork, delivery: ClaimedDelivery, outcome: AttemptOutcome, attempts: int
    ) -> str:
        now = outcome.attempted_at
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
                )
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
            uow.publish(WebhookDisabled(webhook_id=row.id, reason=row.disabled_reason))
        await uow.session.flush()
