"""The delivery log of the current tenant (W-5): list, read, redeliver, ping.

Redelivering puts a delivery back in line at once with a fresh retry schedule (the attempts
so far stay in its log). A ping is a ``webhook.ping`` delivery to one endpoint, written
here — never an outbox event — so no other endpoint sees it; it is sent even to an
inactive endpoint (test before switching on).
"""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec
from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.context import current_context
from rustok.core.db import fetch_page, utcnow
from rustok.core.errors import ValidationFailed
from rustok.core.events import Envelope, encode_envelope
from rustok.core.ids import new_id
from rustok.core.platform import Platform
from rustok.modules.webhooks.errors import DeliveryNotFound, WebhookInactive, WebhookNotFound
from rustok.modules.webhooks.events import WebhookPing
from rustok.modules.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from rustok.modules.webhooks.schemas import (
    DeliveryDetail,
    DeliveryFilter,
    DeliveryPage,
    DeliveryRead,
    to_delivery_detail,
    to_delivery_read,
)
from rustok.modules.webhooks.service import endpoint_for_update
from rustok.modules.webhooks.wakeup import wake_after_commit


def _in_utc(filters: DeliveryFilter) -> DeliveryFilter:
    """``since``/``until`` in UTC, as the drivers bind them: year 1 at +14:00 is no time
    there (it was a 500), so it is a 400 naming the field."""
    moments: dict[str, dt.datetime] = {}
    for name in ("since", "until"):
        moment = getattr(filters, name)
        if moment is None:
            continue
        if moment.tzinfo is None:
            raise ValidationFailed(errors={name: ["give a time zone (RFC 3339)"]})
        try:
            moments[name] = moment.astimezone(dt.UTC)
        except OverflowError:
            raise ValidationFailed(errors={name: ["a time out of range"]}) from None
    return msgspec.structs.replace(filters, **moments)


class DeliveryLog:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    async def list_page(
        self, webhook_id: uuid.UUID, filters: DeliveryFilter, page: int, per_page: int
    ) -> DeliveryPage:
        """Newest first, each with its attempts (two queries per page)."""
        filters = _in_utc(filters)
        async with self._platform.db.read_session() as session:
            if await session.get(WebhookEndpoint, webhook_id) is None:
                raise WebhookNotFound(f"no webhook {webhook_id}")
            statement = _filtered(
                select(WebhookDelivery).where(WebhookDelivery.endpoint_id == webhook_id), filters
            ).order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
            rows, total = await fetch_page(session, statement, page=page, per_page=per_page)
            attempts = await _attempts_of(session, [r.id for r in rows])
        items = [to_delivery_read(r, attempts.get(r.id, [])) for r in rows]
        return DeliveryPage(items=items, page=page, per_page=per_page, total=total)

    async def get(self, delivery_id: uuid.UUID) -> DeliveryDetail:
        async with self._platform.db.read_session() as session:
            row = await session.get(WebhookDelivery, delivery_id)
            if row is None:
                raise DeliveryNotFound(f"no delivery {delivery_id}")
            attempts = await _attempts_of(session, [row.id])
        return to_delivery_detail(row, attempts.get(row.id, []))

    async def redeliver(self, delivery_id: uuid.UUID) -> DeliveryRead:
        async with self._platform.uow() as uow:
            row = await uow.session.get(WebhookDelivery, delivery_id, with_for_update=True)
            if row is None:
                raise DeliveryNotFound(f"no delivery {delivery_id}")
            endpoint = await endpoint_for_update(uow, row.endpoint_id)
            if not endpoint.active and row.event_type != WebhookPing.event_type:
                raise WebhookInactive("the webhook is switched off; activate it first")
            await uow.session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_id)
                .values(status="pending", attempts=0, next_attempt_at=utcnow(), completed_at=None)
                .execution_options(synchronize_session=False)
            )
            await wake_after_commit(uow)
            await uow.commit()
        return await self.get(delivery_id)

    async def ping(self, webhook_id: uuid.UUID) -> DeliveryRead:
        tenant_id = current_context().tenant_id
        assert tenant_id is not None  # every admin route has a tenant
        ping_id = new_id()
        now = utcnow()
        envelope = Envelope(
            id=ping_id, event_type=WebhookPing.event_type,
            schema_version=WebhookPing.schema_version, tenant_id=tenant_id, occurred_at=now,
            payload=msgspec.to_builtins(WebhookPing(webhook_id=webhook_id)),
            actor_id=current_context().actor_id, aggregate_id=webhook_id,
        )  # fmt: skip
        async with self._platform.uow() as uow:
            await endpoint_for_update(uow, webhook_id)
            row = WebhookDelivery(
                id=new_id(), endpoint_id=webhook_id, event_id=ping_id,
                event_type=WebhookPing.event_type, body=encode_envelope(envelope).decode(),
                status="pending", attempts=0, next_attempt_at=now, created_at=now,
            )  # fmt: skip
            uow.session.add(row)
            await uow.session.flush()
            result = to_delivery_read(row, [])
            await wake_after_commit(uow)
            await uow.commit()
        return result


def _filtered(
    statement: Select[tuple[WebhookDelivery]], filters: DeliveryFilter
) -> Select[tuple[WebhookDelivery]]:
    if filters.status is not None:
        statement = statement.where(WebhookDelivery.status == filters.status)
    if filters.event_type is not None:
        statement = statement.where(WebhookDelivery.event_type == filters.event_type)
    if filters.since is not None:
        statement = statement.where(WebhookDelivery.created_at >= filters.since)
    if filters.until is not None:
        statement = statement.where(WebhookDelivery.created_at < filters.until)
    return statement


async def _attempts_of(
    session: AsyncSession, delivery_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[WebhookAttempt]]:
    if not delivery_ids:
        return {}
    rows = await session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_(delivery_ids))
        .order_by(WebhookAttempt.attempted_at, WebhookAttempt.id)
    )
    found: dict[uuid.UUID, list[WebhookAttempt]] = {}
    for attempt in rows:
        found.setdefault(attempt.delivery_id, []).append(attempt)
    return found
