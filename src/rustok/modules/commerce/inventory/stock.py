"""Stock changes inside the caller's unit of work: reserve, release, fulfil, adjust, set.

No oversell under concurrency: every change locks the affected level rows (in level-id
order on PostgreSQL, so two transactions never wait on each other in a cycle; SQLite
serialises writers with ``BEGIN IMMEDIATE`` and the process-wide writer lock) and writes one
conditional ``UPDATE`` whose ``WHERE`` re-checks availability for ``deny`` variants; a row
count short of the levels touched aborts the transaction. Checkout locks late: it plans its
reservations on the levels as read (:func:`plan_reservations`, no lock), and :func:`hold`
then locks and updates them in one statement, planning again on the locked rows if another
order took their units meanwhile. The number of statements does not depend on the number
of lines.

Default stock location: created lazily, the first time a tenant needs one (a variant
created, stock adjusted without a location, a listing) and when the module is enabled; an
``INSERT … ON CONFLICT DO NOTHING`` on ``(tenant_id, code='default')`` makes that race-free.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import msgspec
from sqlalchemy import (
    BigInteger,
    Boolean,
    Case,
    Select,
    Update,
    Uuid,
    and_,
    bindparam,
    case,
    column,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from rustok.core.context import current_context
from rustok.core.db import utcnow
from rustok.core.db.scoped_rows import fetch_scoped, in_list_size, in_list_values
from rustok.core.db.scoped_writes import execute_scoped
from rustok.core.db.upsert import upsert_for
from rustok.core.ids import new_id
from rustok.core.uow import UnitOfWork
from rustok.modules.commerce.errors import InsufficientInventory
from rustok.modules.commerce.events import (
    InventoryLow,
    InventoryReason,
    InventoryReleased,
    InventoryReserved,
    InventoryUpdated,
)
from rustok.modules.commerce.inventory.items import StockItems
from rustok.modules.commerce.inventory.models import (
    DEFAULT_LOCATION_CODE,
    InventoryLevel,
    Reservation,
    StockLocation,
)

ReservationClose = Literal["released", "fulfilled"]


@dataclass(frozen=True, slots=True)
class StockRequest:
    """Units of one variant an order needs."""

    variant_id: uuid.UUID
    product_id: uuid.UUID
    quantity: int
    policy: str  # "deny" or "continue"


class StockLevel(msgspec.Struct, array_like=True, gc=False):
    """A stock level as checkout reads it: plain values, not an object of the session (the
    ORM's way of loading these cost more CPU than the database's work)."""

    id: uuid.UUID
    variant_id: uuid.UUID
    location_id: uuid.UUID
    stocked: int
    reserved: int
    low_stock_threshold: int
    is_default: bool  # of its location


@dataclass(frozen=True, slots=True)
class LevelChange:
    level: InventoryLevel | StockLevel
    product_id: uuid.UUID
    reserved_delta: int = 0
    stocked_delta: int = 0


async def ensure_default_location(session: AsyncSession) -> StockLocation:
    """The tenant's default stock location, created on first use."""
    found = await session.scalar(select(StockLocation).where(StockLocation.is_default.is_(True)))
    if found is not None:
        return found
    tenant_id = current_context().tenant_id
    assert tenant_id is not None
    dialect = session.get_bind().dialect.name
    insert = upsert_for(dialect)
    now = utcnow()
    statement = (
        insert(StockLocation)
        .values(
            id=new_id(),
            tenant_id=tenant_id,
            code=DEFAULT_LOCATION_CODE,
            name="Default",
            is_default=True,
            address=None,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "code"])
    )
    await session.execute(statement)
    created = await session.scalar(select(StockLocation).where(StockLocation.is_default.is_(True)))
    assert isinstance(created, StockLocation)
    return created


def _available(level: InventoryLevel | StockLevel) -> int:
    return level.stocked - level.reserved


def _keep_counts(level: InventoryLevel | StockLevel, *, stocked: int, reserved: int) -> None:
    """Keep a level true after an UPDATE without another query (a loaded row stays clean)."""
    if isinstance(level, InventoryLevel):
        set_committed_value(level, "stocked", stocked)
        set_committed_value(level, "reserved", reserved)
    else:
        level.stocked, level.reserved = stocked, reserved


def publish_level_change(
    uow: UnitOfWork, change: LevelChange, reason: InventoryReason, *, old_available: int
) -> None:
    """``inventory.updated`` with the real location, plus ``inventory.low`` on a drop to or
    below the level's threshold."""
    level = change.level
    new_available = _available(level)
    uow.publish(
        InventoryUpdated(
            product_id=change.product_id,
            variant_id=level.variant_id,
            location_id=level.location_id,
            old_quantity=max(old_available, 0),
            new_quantity=max(new_available, 0),
            stocked=level.stocked,
            reserved=level.reserved,
            reason=reason,
        )
    )
    if new_available < old_available and new_available <= level.low_stock_threshold:
        uow.publish(
            InventoryLow(
                product_id=change.product_id,
                variant_id=level.variant_id,
                location_id=level.location_id,
                remaining=max(new_available, 0),
                threshold=level.low_stock_threshold,
            )
        )


def _apply_statement(levels: int, *, free: int) -> Update:
    """:func:`_apply`'s UPDATE for ``levels`` distinct levels (compiled once per shape by
    :func:`execute_scoped`); with ``free`` (the size of the ``free{n}`` list), guarded."""
    ids = [bindparam(f"level_{i}", type_=InventoryLevel.id.type) for i in range(levels)]

    def per_level(name: str) -> Case[Any]:
        deltas = [bindparam(f"{name}_{i}", type_=BigInteger()) for i in range(levels)]
        whens = [(InventoryLevel.id == i, d) for i, d in zip(ids, deltas, strict=True)]
        return case(*whens, else_=0)

    statement = (
        update(InventoryLevel)
        .where(InventoryLevel.id.in_(ids))
        .values(
            reserved=InventoryLevel.reserved + per_level("reserved"),
            stocked=InventoryLevel.stocked + per_level("stocked"),
            updated_at=bindparam("now"),
        )
        .execution_options(synchronize_session=False)
    )
    if free:
        # Re-checked by the database on the locked rows: a deny level never goes negative.
        free_ids = [bindparam(f"free{n}", type_=InventoryLevel.id.type) for n in range(free)]
        statement = statement.where(
            or_(
                InventoryLevel.id.in_(free_ids),
                InventoryLevel.stocked - InventoryLevel.reserved >= per_level("reserved"),
            )
        )
    return statement


async def _apply(uow: UnitOfWork, changes: Sequence[LevelChange], *, guard: bool) -> None:
    """One UPDATE for every level; with ``guard``, refuse to take a deny level below zero."""
    if not changes:
        return
    ids = [c.level.id for c in changes]
    reserved = {c.level.id: c.reserved_delta for c in changes}
    stocked = {c.level.id: c.stocked_delta for c in changes}
    params: dict[str, Any] = {"now": utcnow()}
    for i, level_id in enumerate(reserved):
        params[f"level_{i}"] = level_id
        params[f"reserved_{i}"] = reserved[level_id]
        params[f"stocked_{i}"] = stocked[level_id]
    free_size = 0
    if guard:
        free = [c.level.id for c in changes if c.reserved_delta <= 0] or [uuid.UUID(int=1)]
        params |= in_list_values("free", free)
        free_size = in_list_size(len(free))
    levels = len(reserved)
    result = await execute_scoped(
        uow.session,
        ("apply_stock", levels, free_size),
        lambda: _apply_statement(levels, free=free_size),
        params,
    )
    if result.rowcount != len(ids):
        raise InsufficientInventory([(c.level.variant_id, c.reserved_delta, 0) for c in changes])
    for c in changes:
        stocked_now, reserved_now = (
            c.level.stocked + c.stocked_delta,
            c.level.reserved + c.reserved_delta,
        )
        _keep_counts(c.level, stocked=stocked_now, reserved=reserved_now)


def _level_rows(size: int, *, locked: bool) -> Select[Any]:
    """The levels of ``size`` variants (parameters ``variant_id0``…), in level-id order; with
    ``locked``, FOR NO KEY UPDATE: the lock an UPDATE of these (non-key) columns takes; it
    lets the reservations that reference a level be inserted while another checkout holds
    the level."""
    statement = (
        select(
            InventoryLevel.id,
            InventoryLevel.variant_id,
            InventoryLevel.location_id,
            InventoryLevel.stocked,
            InventoryLevel.reserved,
            InventoryLevel.low_stock_threshold,
            StockLocation.is_default,
        )
        .join(StockLocation, StockLocation.id == InventoryLevel.location_id)
        .where(InventoryLevel.variant_id.in_([bindparam(f"variant_id{n}") for n in range(size)]))
        .order_by(InventoryLevel.id)
    )
    return statement.with_for_update(of=InventoryLevel, key_share=True) if locked else statement


async def _read_levels(
    session: AsyncSession, variant_ids: list[uuid.UUID], *, locked: bool = False
) -> list[tuple[StockLevel, bool]]:
    size = in_list_size(len(variant_ids))
    found = await fetch_scoped(
        session,
        ("stock_levels", size, locked),
        lambda: _level_rows(size, locked=locked),
        in_list_values("variant_id", variant_ids),
    )
    levels = msgspec.convert(found, list[StockLevel], strict=False)  # SQLite: hex UUIDs
    return [(level, level.is_default) for level in levels]


def _hold_statement(variants: int) -> Update:
    """PostgreSQL: lock the levels of an order's variants in level-id order, then add the
    planned units to ``reserved``, all or nothing: no level is updated if a planned level is
    gone or a ``deny`` one has fewer units available (on its locked, current row) than
    planned. Returns the updated rows."""
    from sqlalchemy.dialects.postgresql import ARRAY  # not imported on SQLite

    planned = func.unnest(
        bindparam("level_ids", type_=ARRAY(InventoryLevel.id.type)),
        bindparam("deltas", type_=ARRAY(BigInteger())),
        bindparam("guarded", type_=ARRAY(Boolean())),
    ).table_valued(
        column("id", Uuid()), column("delta", BigInteger()), column("guarded", Boolean())
    )
    wanted = select(planned.render_derived()).cte("wanted")
    locked = (
        select(InventoryLevel.id, InventoryLevel.stocked, InventoryLevel.reserved)
        .where(
            InventoryLevel.variant_id.in_(
                [bindparam(f"variant_id{n}", type_=Uuid()) for n in range(variants)]
            )
        )
        .order_by(InventoryLevel.id)
        .with_for_update(of=InventoryLevel, key_share=True)
        .cte("locked")
    )
    # A planned level gone (deleted since the plan) or short: nothing is updated.
    short = (
        select(wanted.c.id)
        .outerjoin(locked, locked.c.id == wanted.c.id)
        .where(
            or_(
                locked.c.id.is_(None),
                and_(wanted.c.guarded, locked.c.stocked - locked.c.reserved < wanted.c.delta),
            )
        )
        .exists()
    )
    return (
        update(InventoryLevel)
        .where(InventoryLevel.id == wanted.c.id, ~short)
        .values(reserved=InventoryLevel.reserved + wanted.c.delta, updated_at=bindparam("now"))
        .returning(InventoryLevel.id, InventoryLevel.stocked, InventoryLevel.reserved)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True, slots=True)
class ReservationPlan:
    """Where an order's units come from, planned on the levels as read before any lock:
    :func:`hold` applies it under the row locks (or plans again if the stock moved)."""

    order_id: uuid.UUID
    requests: tuple[StockRequest, ...]
    changes: tuple[LevelChange, ...]
    reservations: tuple[Reservation, ...]

    @property
    def variants(self) -> set[uuid.UUID]:
        return {r.variant_id for r in self.reservations}


def _allocate(
    request: StockRequest, levels: list[StockLevel]
) -> tuple[list[tuple[StockLevel, int]], int]:
    """Units to take from each level (default location first); and the units short."""
    takes: list[tuple[StockLevel, int]] = []
    remaining = request.quantity
    for level in levels:
        take = min(remaining, max(_available(level), 0))
        if take:
            takes.append((level, take))
            remaining -= take
    if remaining and request.policy == "continue" and levels:
        # A backorder: the rest is reserved at the first level beyond its stock.
        first = levels[0]
        already = next((t for lv, t in takes if lv is first), 0)
        takes = [(lv, t) for lv, t in takes if lv is not first] + [(first, already + remaining)]
        remaining = 0
    return takes, remaining


def _plan(
    order_id: uuid.UUID,
    requests: Sequence[StockRequest],
    rows: Sequence[tuple[StockLevel, bool]],
) -> ReservationPlan:
    """Allocate ``requests`` on the level ``rows``; :class:`InsufficientInventory` names
    every variant that falls short."""
    by_variant: dict[uuid.UUID, list[tuple[StockLevel, bool]]] = defaultdict(list)
    for level, is_default in rows:
        by_variant[level.variant_id].append((level, is_default))
    changes: list[LevelChange] = []
    shortages: list[tuple[uuid.UUID, int, int]] = []
    reservations: list[Reservation] = []
    for request in requests:
        ordered = sorted(by_variant[request.variant_id], key=lambda r: (not r[1], r[0].location_id))
        levels = [level for level, _ in ordered]
        takes, short = _allocate(request, levels)
        if short:
            available = sum(max(_available(lv), 0) for lv in levels)
            shortages.append((request.variant_id, request.quantity, available))
            continue
        for level, quantity in takes:
            changes.append(LevelChange(level, request.product_id, reserved_delta=quantity))
            reservations.append(
                Reservation(
                    id=new_id(),
                    order_id=order_id,
                    level_id=level.id,
                    variant_id=level.variant_id,
                    location_id=level.location_id,
                    quantity=quantity,
                    status="held",
                )
            )
    if shortages:
        raise InsufficientInventory(shortages)
    return ReservationPlan(order_id, tuple(requests), tuple(changes), tuple(reservations))


async def plan_reservations(
    session: AsyncSession, order_id: uuid.UUID, requests: Sequence[StockRequest]
) -> ReservationPlan:
    """Plan an order's reservations on the levels as they are now, locking nothing: a
    shortage is refused here, before the payment is authorised."""
    rows = await _read_levels(session, [r.variant_id for r in requests])
    return _plan(order_id, requests, rows)


async def _held_on_postgresql(
    session: AsyncSession, plan: ReservationPlan, policy: dict[uuid.UUID, str]
) -> bool:
    """Apply ``plan`` in one statement (:func:`_hold_statement`); False if a level had moved so that
    it no longer fits (nothing is updated then, and every level of the variants is locked)."""
    changes = plan.changes
    size = in_list_size(len(policy))
    values = {
        "level_ids": [c.level.id for c in changes],
        "deltas": [c.reserved_delta for c in changes],
        "guarded": [policy[c.level.variant_id] == "deny" for c in changes],
        "now": utcnow(),
    }
    result = await execute_scoped(
        session,
        ("hold_stock", size),
        lambda: _hold_statement(size),
        values | in_list_values("variant_id", list(policy)),
    )
    held = {level_id: (stocked, reserved) for level_id, stocked, reserved in result}
    if len(held) != len({c.level.id for c in changes}):
        return False
    for change in changes:
        stocked, reserved = held[change.level.id]
        _keep_counts(change.level, stocked=stocked, reserved=reserved)
    return True


async def hold(uow: UnitOfWork, plan: ReservationPlan) -> list[Reservation]:
    """Reserve the planned units, all or nothing, with no oversell; returns the reservations
    for the caller to add (after the order row). On PostgreSQL the levels are locked here,
    late and in one statement; if another order took their units since the plan was read,
    the order is planned again on the locked rows (a shortage then raises). SQLite runs one
    writer at a time, so the plan read in this transaction still holds."""
    policy = {r.variant_id: r.policy for r in plan.requests}
    session = uow.session
    if not plan.changes:
        return []
    if session.get_bind().dialect.name == "postgresql":
        if not await _held_on_postgresql(session, plan, policy):
            rows = await _read_levels(session, list(policy), locked=True)
            plan = _plan(plan.order_id, plan.requests, rows)
            await _apply_plan(uow, plan, policy)
    else:
        await _apply_plan(uow, plan, policy)
    for change, reservation in zip(plan.changes, plan.reservations, strict=True):
        uow.publish(
            InventoryReserved(
                product_id=change.product_id,
                variant_id=reservation.variant_id,
                location_id=reservation.location_id,
                order_id=plan.order_id,
                quantity=reservation.quantity,
            )
        )
        old_available = _available(change.level) + change.reserved_delta
        publish_level_change(uow, change, "reserve", old_available=old_available)
    return list(plan.reservations)


async def _apply_plan(uow: UnitOfWork, plan: ReservationPlan, policy: dict[uuid.UUID, str]) -> None:
    # Only deny variants are guarded: a continue variant may go below zero on purpose.
    changes = plan.changes
    await _apply(uow, [c for c in changes if policy[c.level.variant_id] == "deny"], guard=True)
    await _apply(uow, [c for c in changes if policy[c.level.variant_id] != "deny"], guard=False)


async def close_reservations(
    uow: UnitOfWork, order_id: uuid.UUID, outcome: ReservationClose, items: StockItems
) -> int:
    """Release (cancel) or fulfil (ship) every held reservation of an order; return units."""
    rows = (
        (
            await uow.session.execute(
                select(Reservation, InventoryLevel, items.product_id_of(InventoryLevel.variant_id))
                .join(InventoryLevel, InventoryLevel.id == Reservation.level_id)
                .where(Reservation.order_id == order_id, Reservation.status == "held")
                .order_by(InventoryLevel.id)
                .with_for_update(of=InventoryLevel)
            )
        )
        .tuples()
        .all()
    )
    if not rows:
        return 0
    merged: dict[uuid.UUID, tuple[InventoryLevel, uuid.UUID, int]] = {}
    for reservation, level, product_id in rows:
        _, _, units = merged.get(level.id, (level, product_id, 0))
        merged[level.id] = (level, product_id, units + reservation.quantity)
    taken = -1 if outcome == "fulfilled" else 0
    if outcome == "fulfilled":
        # A backorder ships only once the units are on the shelf.
        short = [(lv.variant_id, n, lv.stocked) for lv, _, n in merged.values() if lv.stocked < n]
        if short:
            raise InsufficientInventory(short)
    changes = [
        LevelChange(level, product_id, reserved_delta=-units, stocked_delta=taken * units)
        for level, product_id, units in merged.values()
    ]
    before = {c.level.id: _available(c.level) for c in changes}
    await _apply(uow, changes, guard=False)
    await uow.session.execute(
        update(Reservation)
        .where(Reservation.order_id == order_id, Reservation.status == "held")
        .values(status=outcome, closed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    for change in changes:
        changed = change.level
        if outcome == "released":
            uow.publish(
                InventoryReleased(
                    product_id=change.product_id,
                    variant_id=changed.variant_id,
                    location_id=changed.location_id,
                    order_id=order_id,
                    quantity=-change.reserved_delta,
                )
            )
        reason: InventoryReason = "release" if outcome == "released" else "fulfil"
        publish_level_change(uow, change, reason, old_available=before[changed.id])
    return sum(-c.reserved_delta for c in changes)
