"""``webhooks.dispatch`` (W-3): one delivery row per matching active endpoint of the event's
tenant, written in the consumer's inbox transaction — so an event is turned into its
deliveries exactly once, whatever the relay redelivers, and a crash loses none.

It subscribes to every deliverable (non-internal) type of the catalogue; the events of
tenants without an active endpoint are recorded without running it (``endpoint_tenants.py``).
The catalogue is complete only once the platform imported every ``events.py`` (bootstrap),
later than this module may be imported, so the consumer is built when the event runtime
first asks.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any, overload

from sqlalchemy import insert, select

from rustok.core.consumer import ConsumerSpec
from rustok.core.context import current_context
from rustok.core.db import utcnow
from rustok.core.events import CATALOGUE, Envelope, EventPayload, encode_envelope
from rustok.core.ids import new_id
from rustok.core.uow import UnitOfWork
from rustok.modules.webhooks.endpoint_tenants import has_endpoints
from rustok.modules.webhooks.events import WebhookDeliveryFailed, WebhookDisabled, WebhookPing
from rustok.modules.webhooks.models import WebhookDelivery, WebhookEndpoint
from rustok.modules.webhooks.rules import matches_any
from rustok.modules.webhooks.wakeup import wake_after_commit

CONSUMER = "webhooks.dispatch"
MODULE_SLUG = "webhooks"
# Events about one endpoint are not sent to that endpoint (a failing one would feed itself).
_ABOUT_AN_ENDPOINT = frozenset({WebhookDeliveryFailed.event_type, WebhookDisabled.event_type})
_ENDPOINTS_KEY = "rustok_webhooks_endpoints"
DELIVERIES: Any = WebhookDelivery.__table__
ENDPOINTS: Any = WebhookEndpoint.__table__


async def dispatch(payload: EventPayload, envelope: Envelope, uow: UnitOfWork) -> None:
    """Write the event's deliveries (none when the tenant has no matching endpoint)."""
    tenant = current_context().tenant
    if tenant is None or MODULE_SLUG not in tenant.enabled_modules:
        return
    if CATALOGUE.is_internal(envelope.event_type):
        return
    about = (
        envelope.payload.get("webhook_id") if envelope.event_type in _ABOUT_AN_ENDPOINT else None
    )
    targets = [
        endpoint_id
        for endpoint_id, patterns in await _active_endpoints(uow, envelope.tenant_id)
        if matches_any(patterns, envelope.event_type) and str(endpoint_id) != about
    ]
    if not targets:
        return
    body = encode_envelope(envelope).decode()
    now = utcnow()
    await uow.session.execute(
        insert(DELIVERIES),
        [
            {
                "id": new_id(), "tenant_id": envelope.tenant_id, "endpoint_id": endpoint_id,
                "event_id": envelope.id, "event_type": envelope.event_type, "body": body,
                "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now,
            }
            for endpoint_id in targets
        ],
    )  # fmt: skip
    await wake_after_commit(uow)


async def _active_endpoints(uow: UnitOfWork, tenant_id: uuid.UUID) -> list[tuple[Any, ...]]:
    """The tenant's active endpoints and their patterns, read once per transaction: a batch
    of the consumer handles many events of one tenant in one transaction, which writes no
    endpoint (a change committed meanwhile by another is seen by the next batch)."""
    key = (_ENDPOINTS_KEY, tenant_id)
    found: list[tuple[Any, ...]] | None = uow.session.info.get(key)
    if found is None:
        rows = await uow.session.execute(
            select(ENDPOINTS.c.id, ENDPOINTS.c.event_types).where(
                ENDPOINTS.c.tenant_id == tenant_id, ENDPOINTS.c.active
            )
        )
        found = uow.session.info[key] = [tuple(row) for row in rows]
    return found


def _deliverable() -> tuple[type[EventPayload], ...]:
    return tuple(cls for cls in CATALOGUE.types() if not cls.internal and cls is not WebhookPing)


class DispatchConsumers(Sequence[ConsumerSpec]):
    """``ModuleSpec.consumers`` of the module: the dispatch consumer, built on first use
    from the catalogue as it is then (and again if types were declared since), followed by
    the module's ``fixed`` consumers."""

    def __init__(self, *fixed: ConsumerSpec) -> None:
        self._built: tuple[int, ConsumerSpec] | None = None
        self._fixed = fixed

    def _spec(self) -> ConsumerSpec:
        size = len(CATALOGUE.types())
        if self._built is None or self._built[0] != size:
            spec = ConsumerSpec(CONSUMER, _deliverable(), dispatch, wants=has_endpoints)
            self._built = (size, spec)
        return self._built[1]

    @overload
    def __getitem__(self, index: int) -> ConsumerSpec: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[ConsumerSpec]: ...

    def __getitem__(self, index: Any) -> Any:
        return (self._spec(), *self._fixed)[index]

    def __len__(self) -> int:
        return 1 + len(self._fixed)

    def __iter__(self) -> Iterator[ConsumerSpec]:
        return iter((self._spec(), *self._fixed))
