"""Endpoints of the current tenant (W-1): create, read, change, delete, rotate the secret.

Every write is one unit of work raising its ``webhook.*`` event. The secret is made here
and shown once (create, rotate); a rotation keeps the previous secret signing for
:data:`ROTATION_OVERLAP` (a second rotation within it drops the oldest).
"""

from __future__ import annotations

import datetime as dt
import uuid

from msgspec import UNSET
from sqlalchemy import delete, select

from rustok.core.db import fetch_page, utcnow
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.webhooks.endpoint_tenants import endpoint_tenants
from rustok.modules.webhooks.errors import WebhookNotFound
from rustok.modules.webhooks.events import WebhookCreated, WebhookDeleted, WebhookUpdated
from rustok.modules.webhooks.models import WebhookDelivery, WebhookEndpoint
from rustok.modules.webhooks.rules import check_headers, check_patterns, check_url
from rustok.modules.webhooks.schemas import (
    WebhookCreate,
    WebhookPage,
    WebhookRead,
    WebhookUpdate,
    WebhookWithSecret,
    to_webhook_read,
    to_webhook_with_secret,
)
from rustok.modules.webhooks.settings import WebhooksSettings
from rustok.modules.webhooks.signing import new_secret

ROTATION_OVERLAP = dt.timedelta(hours=24)


async def endpoint_for_update(uow: UnitOfWork, webhook_id: uuid.UUID) -> WebhookEndpoint:
    row = await uow.session.get(WebhookEndpoint, webhook_id, with_for_update=True)
    if row is None:
        raise WebhookNotFound(f"no webhook {webhook_id}")
    return row


class WebhookService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    async def _endpoints_changed(self) -> None:
        # webhooks.dispatch of this process reads the tenants with endpoints again.
        endpoint_tenants(self._platform.db).forget()

    def _url(self, url: str) -> str:
        settings = self._platform.settings
        return check_url(
            url,
            allow_private=settings.of(WebhooksSettings).allow_private,
            production=settings.is_production,
        )

    async def list_page(self, page: int, per_page: int) -> WebhookPage:
        async with self._platform.db.read_session() as session:
            rows, total = await fetch_page(
                session,
                select(WebhookEndpoint).order_by(WebhookEndpoint.created_at, WebhookEndpoint.id),
                page=page,
                per_page=per_page,
            )
        return WebhookPage(
            items=[to_webhook_read(r) for r in rows], page=page, per_page=per_page, total=total
        )

    async def get(self, webhook_id: uuid.UUID) -> WebhookRead:
        async with self._platform.db.read_session() as session:
            row = await session.get(WebhookEndpoint, webhook_id)
            if row is None:
                raise WebhookNotFound(f"no webhook {webhook_id}")
            return to_webhook_read(row)

    async def create(self, data: WebhookCreate) -> WebhookWithSecret:
        url = self._url(data.url)
        patterns = check_patterns(data.event_types)
        headers = check_headers(data.headers)
        async with self._platform.uow() as uow:
            row = WebhookEndpoint(
                url=url, description=data.description, event_types=patterns, headers=headers,
                active=data.active, secret=new_secret(),
            )  # fmt: skip
            uow.session.add(row)
            await uow.session.flush()
            uow.publish(WebhookCreated(webhook_id=row.id))
            result = to_webhook_with_secret(row)
            uow.on_commit(self._endpoints_changed)
            await uow.commit()
        return result

    async def update(self, webhook_id: uuid.UUID, data: WebhookUpdate) -> WebhookRead:
        url = UNSET if data.url is UNSET else self._url(data.url)
        patterns = UNSET if data.event_types is UNSET else check_patterns(data.event_types)
        headers = UNSET if data.headers is UNSET else check_headers(data.headers)
        async with self._platform.uow() as uow:
            row = await endpoint_for_update(uow, webhook_id)
            changes = {
                "url": url, "event_types": patterns, "headers": headers,
                "description": data.description, "active": data.active,
            }  # fmt: skip
            for field, value in changes.items():
                if value is not UNSET:
                    setattr(row, field, value)
            if data.active is True:  # switched on (again): a fresh start
                row.failing_since = row.disabled_at = row.disabled_reason = None
            row.updated_at = utcnow()
            await uow.session.flush()
            uow.publish(WebhookUpdated(webhook_id=row.id))
            result = to_webhook_read(row)
            uow.on_commit(self._endpoints_changed)
            await uow.commit()
        return result

    async def delete(self, webhook_id: uuid.UUID) -> None:
        """Delete an endpoint with its deliveries and their attempts."""
        async with self._platform.uow() as uow:
            if await uow.session.get(WebhookEndpoint, webhook_id) is None:
                raise WebhookNotFound(f"no webhook {webhook_id}")
            # Deliveries before the endpoint, the order the sender locks them in when it
            # records an attempt: the other order deadlocks with an attempt in flight.
            await uow.session.execute(
                delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == webhook_id)
            )
            row = await endpoint_for_update(uow, webhook_id)
            await uow.session.delete(row)
            uow.publish(WebhookDeleted(webhook_id=webhook_id))
            await uow.commit()

    async def rotate_secret(self, webhook_id: uuid.UUID) -> WebhookWithSecret:
        async with self._platform.uow() as uow:
            row = await endpoint_for_update(uow, webhook_id)
            now = utcnow()
            row.previous_secret = row.secret
            row.previous_secret_expires_at = now + ROTATION_OVERLAP
            row.secret = new_secret()
            row.updated_at = now
            await uow.session.flush()
            uow.publish(WebhookUpdated(webhook_id=row.id))
            result = to_webhook_with_secret(row)
            await uow.commit()
        return result
