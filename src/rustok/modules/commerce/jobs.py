"""The commerce module's periodic jobs (rustok.core.jobs): what would otherwise be held
forever expires.

- ``commerce.expire_pending_orders``: an order still pending ``RUSTOK_ORDER_PENDING_TTL``
  seconds after checkout is cancelled through the order state machine (reason
  ``expired``): its reservations and discount use are given back, its payment voided, and
  ``order.status_changed``, ``order.cancelled`` and ``inventory.*`` events raised (CO-3).
- ``commerce.abandon_idle_carts``: an open cart unchanged for ``RUSTOK_CART_TTL`` seconds
  becomes ``abandoned`` (``cart.abandoned``); its token no longer checks out.
- ``commerce.forget_idempotency_keys``: checkout idempotency records older than
  ``RUSTOK_IDEMPOTENCY_KEY_TTL`` seconds are deleted.

A TTL of 0 switches its job off. Each run finds the tenants with something to expire in
one cross-tenant query, then works tenant by tenant in that tenant's context (so the data
layer scopes every statement), at most ``BATCH`` items per tenant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from rustok.core.db import utcnow
from rustok.core.jobs import PeriodicJob, job_tenants, tenant_context
from rustok.core.logging import get_logger
from rustok.modules.commerce.carts.models import Cart
from rustok.modules.commerce.checkout.models import IdempotencyRecord
from rustok.modules.commerce.commerce_runtime import commerce_runtime
from rustok.modules.commerce.orders.models import Order
from rustok.modules.commerce.settings import CommerceSettings

if TYPE_CHECKING:
    from rustok.core.platform import Platform

MODULE_SLUG = "commerce"
BATCH = 500
_log = get_logger("rustok.commerce.jobs")


def _cutoff(ttl_seconds: int, now: dt.datetime | None) -> dt.datetime | None:
    return None if ttl_seconds == 0 else (now or utcnow()) - dt.timedelta(seconds=ttl_seconds)


async def _per_tenant(
    platform: Platform, column: Any, condition: tuple[Any, ...], work: Callable[[], Awaitable[int]]
) -> int:
    """Run ``work`` in the context of every tenant (with commerce on) that has a row of
    ``column``'s table matching ``condition``; the sum of what it changed."""
    # The one cross-tenant read: which tenants have something to expire.
    async with platform.db.read_session(all_tenants=True) as session:
        tenant_ids = list(await session.scalars(select(column).where(*condition).distinct()))
    changed = 0
    for tenant in await job_tenants(platform, tenant_ids, MODULE_SLUG):
        with tenant_context(tenant):
            changed += await work()
    return changed


async def expire_pending_orders(platform: Platform, *, now: dt.datetime | None = None) -> int:
    """Cancel orders pending since before the TTL; returns how many were cancelled."""
    cutoff = _cutoff(platform.settings.of(CommerceSettings).order_pending_ttl, now)
    if cutoff is None:
        return 0
    stale = (Order.status == "pending", Order.placed_at < cutoff)
    orders = commerce_runtime(platform).orders  # the app's providers void the payments

    async def expire_tenant() -> int:
        async with platform.db.read_session() as session:
            ids = list(
                await session.scalars(
                    select(Order.id).where(*stale).order_by(Order.placed_at).limit(BATCH)
                )
            )
        expired = 0
        for order_id in ids:
            try:
                expired += await orders.expire(order_id, placed_before=cutoff)
            except Exception:  # noqa: BLE001 - one order must not stop the others
                _log.exception("pending order not expired", order_id=str(order_id))
        return expired

    return await _per_tenant(platform, Order.tenant_id, stale, expire_tenant)


async def abandon_idle_carts(platform: Platform, *, now: dt.datetime | None = None) -> int:
    """Abandon open carts unchanged since before the TTL; returns how many."""
    cutoff = _cutoff(platform.settings.of(CommerceSettings).cart_ttl, now)
    if cutoff is None:
        return 0
    carts = commerce_runtime(platform).carts
    return await _per_tenant(
        platform, Cart.tenant_id, (Cart.status == "open", Cart.updated_at < cutoff),
        lambda: carts.abandon_idle(updated_before=cutoff, limit=BATCH),
    )  # fmt: skip


async def forget_idempotency_keys(platform: Platform, *, now: dt.datetime | None = None) -> int:
    """Delete checkout idempotency records older than the TTL; returns how many."""
    cutoff = _cutoff(platform.settings.of(CommerceSettings).idempotency_key_ttl, now)
    if cutoff is None:
        return 0
    checkout = commerce_runtime(platform).checkout
    return await _per_tenant(
        platform, IdempotencyRecord.tenant_id, (IdempotencyRecord.created_at < cutoff,),
        lambda: checkout.forget_keys(created_before=cutoff, limit=BATCH),
    )  # fmt: skip


JOBS = (
    PeriodicJob(
        "commerce.expire_pending_orders",
        expire_pending_orders,
        "Cancel orders pending longer than RUSTOK_ORDER_PENDING_TTL (releases their stock)",
    ),
    PeriodicJob(
        "commerce.abandon_idle_carts",
        abandon_idle_carts,
        "Abandon open carts unchanged for RUSTOK_CART_TTL",
    ),
    PeriodicJob(
        "commerce.forget_idempotency_keys",
        forget_idempotency_keys,
        "Delete checkout idempotency records older than RUSTOK_IDEMPOTENCY_KEY_TTL",
    ),
)
