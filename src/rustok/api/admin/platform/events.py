"""``/admin/events``: the outbox (status counts, rows, one row's payload and error), the
consumers' dead letters, and replaying an event.

Each page mirrors ``/api/admin/events`` (``logs:list``, ``logs:read``, ``logs:update``;
super admins of the default tenant only) through ``rustok.outbox.service``. Statements of
the list (50 rows): the session check, the counts, the page's count, the page and its
parked consumers — ``tests/admin/test_events_admin.py`` asserts the total.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.core.errors import ValidationFailed
from rustok.outbox.models import DEAD_LETTER_STATUSES, OUTBOX_STATUSES
from rustok.outbox.service import (
    admin_event,
    dead_letters_of,
    outbox_counts,
    outbox_status,
    page_dead_letters,
    page_events,
    replay_event,
)
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListQuery, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.deps import PlatformDep
from rustok.web.guards import default_tenant_only

AnyRequest = Request[Any, Any, Any]
EVENTS_PATH = "/admin/events"
DEAD_LETTERS_PATH = f"{EVENTS_PATH}/dead-letters"
EVENT_LIST = ListSpec(
    columns=(
        Column("created", N_("Created"), sort="created"), Column("type", N_("Event type")),
        Column("status", N_("Status")), Column("attempts", N_("Attempts")),
        Column("parked", N_("Parked by")), Column("error", N_("Last error")),
    ),
    sorts=("created",), default_sort="-created", filters={"status": OUTBOX_STATUSES},
    searchable=False,
)  # fmt: skip
DEAD_LETTER_LIST = ListSpec(
    columns=(
        Column("parked", N_("Parked"), sort="parked"), Column("consumer", N_("Consumer")),
        Column("type", N_("Event type")), Column("attempts", N_("Attempts")),
        Column("error", N_("Error")), Column("status", N_("Status")),
    ),
    sorts=("parked",), default_sort="-parked", filters={"status": DEAD_LETTER_STATUSES},
    searchable=False,
)  # fmt: skip
STATUS_LABELS = (N_("pending"), N_("dispatched"), N_("failed"), N_("parked"), N_("replayed"))


def _newest_first(query: ListQuery) -> None:
    """The outbox pages newest first only (its cursor is the id, a time-ordered UUID)."""
    if query.descending is False:
        raise ValidationFailed("newest first only", errors={"sort": ["newest first only"]})


class EventsAdminController(Controller):
    path = EVENTS_PATH
    guards = [default_tenant_only]
    include_in_schema = False

    @get("/", permission="logs:list")
    async def list_events(self, platform: PlatformDep, request: AnyRequest) -> Response[str]:
        """Pending and failed counts, then the rows of every tenant, newest first."""
        query = list_query(request, EVENT_LIST)
        _newest_first(query)
        pending, failed, oldest = await outbox_counts(platform)
        items, total = await page_events(
            platform, status=query.filters.get("status"),  # type: ignore[arg-type]
            page=query.page, per_page=PER_PAGE, public_only=True,
        )  # fmt: skip
        return page(
            request, "platform/events_list.html", title=gettext("Events"),
            crumbs=[Crumb(gettext("Platform")), Crumb(gettext("Events"))],
            view=ListView(EVENT_LIST, query, EVENTS_PATH, items, total),
            counts={"pending": pending, "failed": failed, "oldest": oldest},
        )  # fmt: skip

    @get("/dead-letters", permission="logs:list")
    async def list_dead_letters(self, platform: PlatformDep, request: AnyRequest) -> Response[str]:
        """What each consumer has not handled yet, and the events it gave up on."""
        query = list_query(request, DEAD_LETTER_LIST)
        _newest_first(query)
        status = await outbox_status(platform)
        items, total = await page_dead_letters(
            platform, status=query.filters.get("status"),  # type: ignore[arg-type]
            page=query.page, per_page=PER_PAGE,
        )  # fmt: skip
        return page(
            request, "platform/dead_letters.html", title=gettext("Dead letters"),
            crumbs=[Crumb(gettext("Platform")), Crumb(gettext("Events"), EVENTS_PATH),
                    Crumb(gettext("Dead letters"))],
            view=ListView(DEAD_LETTER_LIST, query, DEAD_LETTERS_PATH, items, total),
            consumers=status.consumers,
        )  # fmt: skip

    @get("/{event_id:uuid}", permission="logs:read")
    async def event_detail(
        self, platform: PlatformDep, request: AnyRequest, event_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """One row: its payload, last error, and each consumer's dead letter."""
        event = await admin_event(platform, event_id, public_only=True)
        letters = await dead_letters_of(platform, event_id)
        replayable = event.status == "failed" or bool(event.parked_by)
        return page(
            request, "platform/event_detail.html", title=event.event_type,
            crumbs=[Crumb(gettext("Platform")), Crumb(gettext("Events"), EVENTS_PATH),
                    Crumb(event.event_type)],
            event=event, letters=letters, replayable=replayable,
        )  # fmt: skip

    @post("/{event_id:uuid}/replay", permission="logs:update")
    async def replay(
        self, platform: PlatformDep, request: AnyRequest, event_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Deliver it once more (``replay_event``, as ``POST /api/admin/events/{id}/replay``);
        nothing to replay is a 409 page."""
        await admin_event(platform, event_id, public_only=True)  # 404 for internal events
        await replay_event(platform, event_id)
        return redirect_with_flash(
            request, f"{EVENTS_PATH}/{event_id}", N_("The event is queued for delivery again.")
        )
