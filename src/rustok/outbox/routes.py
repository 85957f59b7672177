"""REST: the outbox for platform administrators (super admins of the default tenant).

Internal event types (``mail.queued``, …) are not shown here: to this API they do not exist.
"""

from __future__ import annotations

import uuid
from typing import Literal

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery

from rustok.outbox.service import AdminEventRead, admin_event, page_events, replay_event
from rustok.web.deps import PlatformDep
from rustok.web.guards import default_tenant_only
from rustok.web.pages import LogPage, PageOf, PerPage

Status = Literal["pending", "dispatched", "failed"]


class EventPage(PageOf[AdminEventRead], frozen=True, kw_only=True):
    items: list[AdminEventRead]


class EventsAdminController(Controller):
    path = "/api/admin/events"
    tags = ["admin"]
    guards = [default_tenant_only]

    @get("/", permission="logs:list", graphql_twin="outboxEvents")
    async def list_events(
        self, platform: PlatformDep, status: FromQuery[Status | None] = None,
        page: FromQuery[LogPage] = 1, per_page: FromQuery[PerPage] = 20,
    ) -> EventPage:  # fmt: skip
        """Outbox rows of every tenant, newest first; ``status`` filters."""
        items, total = await page_events(
            platform, status=status, page=page, per_page=per_page, public_only=True
        )
        return EventPage(items=items, page=page, per_page=per_page, total=total)

    @get("/{event_id:uuid}", permission="logs:read", graphql_twin="outboxEvent")
    async def get_event(
        self, platform: PlatformDep, event_id: FromPath[uuid.UUID]
    ) -> AdminEventRead:
        """One outbox row."""
        return await admin_event(platform, event_id, public_only=True)

    @post(
        "/{event_id:uuid}/replay",
        permission="logs:update",
        status_code=200,
        graphql_twin="replayEvent",
    )
    async def replay(self, platform: PlatformDep, event_id: FromPath[uuid.UUID]) -> AdminEventRead:
        """Re-queue a failed event (or one a consumer parked); 409 if nothing to replay."""
        await admin_event(platform, event_id, public_only=True)  # 404 for internal events
        await replay_event(platform, event_id)
        return await admin_event(platform, event_id, public_only=True)
