"""GraphQL: the outbox for platform administrators (super admins of the default tenant),
through the same calls as ``/api/admin/events``. Internal event types are not shown."""

from __future__ import annotations

import datetime as dt
from typing import cast

import strawberry
from strawberry.scalars import JSON

from rustok.core.errors import ValidationFailed
from rustok.outbox.service import (
    AdminEventRead,
    OutboxStatusName,
    admin_event,
    page_events,
    replay_event,
)
from rustok.web.connections import check_page
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.pages import MAX_LOG_PAGE
from rustok.web.permissions import DefaultTenantOnly, requires

_STATUSES = ("pending", "dispatched", "failed")


@strawberry.type(name="OutboxEvent")
class OutboxEventType:
    id: strawberry.ID
    event_type: str
    schema_version: int
    tenant_id: strawberry.ID
    status: str
    attempts: int
    replays: int
    last_error: str | None
    payload: JSON
    created_at: dt.datetime
    dispatched_at: dt.datetime | None
    parked_by: list[str] = strawberry.field(description="consumers that parked it")

    @classmethod
    def of(cls, read: AdminEventRead) -> OutboxEventType:
        return cls(
            id=strawberry.ID(str(read.id)), event_type=read.event_type,
            schema_version=read.schema_version, tenant_id=strawberry.ID(str(read.tenant_id)),
            status=read.status, attempts=read.attempts, replays=read.replays,
            last_error=read.last_error, payload=JSON(read.payload), created_at=read.created_at,
            dispatched_at=read.dispatched_at, parked_by=read.parked_by,
        )  # fmt: skip


@strawberry.type(name="OutboxEventList")
class OutboxEventList:
    items: list[OutboxEventType]
    total_count: int


@strawberry.type
class OutboxQuery:
    @strawberry.field(permission_classes=[requires("logs:list"), DefaultTenantOnly])
    async def outbox_events(
        self, info: RustokInfo, status: str | None = None, page: int = 1, per_page: int = 20
    ) -> OutboxEventList:
        """Outbox rows of every tenant, newest first; ``status`` filters."""
        check_page(page, per_page, max_page=MAX_LOG_PAGE)
        if status is not None and status not in _STATUSES:
            raise ValidationFailed(errors={"status": [f"one of {', '.join(_STATUSES)}"]})
        items, total = await page_events(
            info.context.platform, status=cast("OutboxStatusName | None", status), page=page,
            per_page=per_page, public_only=True,
        )  # fmt: skip
        return OutboxEventList(items=[OutboxEventType.of(e) for e in items], total_count=total)

    @strawberry.field(permission_classes=[requires("logs:read"), DefaultTenantOnly])
    async def outbox_event(self, info: RustokInfo, id: strawberry.ID) -> OutboxEventType:
        found = await admin_event(info.context.platform, parse_id(id), public_only=True)
        return OutboxEventType.of(found)


@strawberry.type
class OutboxMutation:
    @strawberry.mutation(permission_classes=[requires("logs:update"), DefaultTenantOnly])
    async def replay_event(self, info: RustokInfo, id: strawberry.ID) -> OutboxEventType:
        """Re-queue a failed event (or one a consumer parked); NOTHING_TO_REPLAY otherwise."""
        platform, event_id = info.context.platform, parse_id(id)
        await admin_event(platform, event_id, public_only=True)  # not found for internal events
        await replay_event(platform, event_id)
        return OutboxEventType.of(await admin_event(platform, event_id, public_only=True))
