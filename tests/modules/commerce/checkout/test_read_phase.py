"""Checkout reads before it locks (checkout/quote.py): the reads run before the first lock,
and what happens between the read phase and the write phase is seen — a line added, the
cart checked out, the stock sold — on SQLite and PostgreSQL.

Each race is made deterministic by running the other request inside the read phase's
``quote`` (after its reads, before the write phase)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select

from rustok.api.app import RustokApp
from rustok.core.db import Database
from rustok.core.settings import Settings
from rustok.modules.commerce.checkout import service
from rustok.modules.commerce.checkout.quote import quote
from rustok.modules.commerce.inventory.models import InventoryLevel
from rustok.modules.commerce.orders.models import Order
from tests.conftest import make_settings
from tests.modules.commerce.helpers import add_item, checkout, create_product, new_cart, signed_in
from tests.modules.commerce.test_lock_order import locked_table

Json = dict[str, Any]


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    # No relay: the statements counted are the checkout's own.
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


@contextmanager
def statements(db: Database) -> Iterator[list[tuple[bool, str]]]:
    """Every statement run inside the block, with whether it ran on SQLite's writer engine
    (always false on PostgreSQL, which has one engine)."""
    seen: list[tuple[bool, str]] = []
    listeners = []
    for engine in db.engines:
        on_writer = db.is_sqlite and engine is db.write_engine

        def listener(
            conn: Any, cursor: Any, statement: str, *args: Any, w: bool = on_writer
        ) -> None:
            if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
                seen.append((w, statement))

        event.listen(engine.sync_engine, "before_cursor_execute", listener)
        listeners.append((engine, listener))
    try:
        yield seen
    finally:
        for engine, listener in listeners:
            event.remove(engine.sync_engine, "before_cursor_execute", listener)


def reads_before_the_lock(db: Database, seen: list[tuple[bool, str]]) -> int:
    """How many statements ran before the checkout held a lock: SQLite's writer lock (the
    writer engine's first statement) or, on PostgreSQL, a row lock (its first locking
    statement)."""
    for position, (on_writer, statement) in enumerate(seen):
        if on_writer or (not db.is_sqlite and locked_table(statement) is not None):
            return position
    return len(seen)


def between_read_and_write(
    monkeypatch: pytest.MonkeyPatch, action: Callable[[], Awaitable[None]]
) -> list[str]:
    """Run ``action`` once, after the first read phase of a checkout and before its write
    phase; the returned list says which tries were locked from their first statement."""
    tries: list[str] = []

    async def quote_then_act(*args: Any, lock: bool, **kwargs: Any) -> Any:
        tries.append("locked" if lock else "read first")
        found = await quote(*args, lock=lock, **kwargs)
        if len(tries) == 1:
            await action()
        return found

    monkeypatch.setattr(service, "quote", quote_then_act)
    return tries


async def _level(app: RustokApp, variant_id: str) -> InventoryLevel:
    async with app.platform.db.read_session(all_tenants=True) as session:
        found = await session.scalar(
            select(InventoryLevel).where(InventoryLevel.variant_id == uuid.UUID(variant_id))
        )
    assert found is not None
    return found


async def _orders_of(app: RustokApp, cart: Json) -> list[Order]:
    async with app.platform.db.read_session(all_tenants=True) as session:
        return list(
            await session.scalars(select(Order).where(Order.cart_id == uuid.UUID(cart["id"])))
        )


async def test_the_reads_run_before_the_first_lock(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    await client.post(
        "/api/commerce/discounts", json={"code": "TEN", "kind": "percentage", "value": 10},
        headers=admin,
    )  # fmt: skip
    variants = (await create_product(client, admin, variants=2, stock=5))["variants"]
    first = await new_cart(client)  # the tenant's first order creates its number sequence
    await add_item(client, first, variants[0]["id"], 1)
    assert (await checkout(client, first)).status_code == 201
    cart = await new_cart(client)
    for variant in variants:
        await add_item(client, cart, variant["id"], 1)
    db = app.platform.db
    with statements(db) as seen:
        response = await checkout(client, cart, key="reads-first", discount_code="TEN")
    assert response.status_code == 201, response.text
    # The cart with its key's record, the lines, their prices, titles, the discount, the
    # region and shipping: all read before the checkout locks anything (it locked the
    # cart first, so all 19/20 statements ran under a lock).
    before = reads_before_the_lock(db, seen)
    assert before == 7, [s for _, s in seen]
    assert all(s.lstrip().upper().startswith("SELECT") for _, s in seen[:before])
    assert locked_table(seen[before][1]) == "commerce_carts"
    assert seen[before][1].lstrip().upper().startswith("UPDATE")
    assert not any(on_writer for on_writer, _ in seen[:before])


async def test_a_line_added_after_the_read_is_in_the_order(
    client: httpx.AsyncClient, app: RustokApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await signed_in(client, app, "admin")
    variants = (await create_product(client, admin, variants=2, stock=5, price=1000))["variants"]
    cart = await new_cart(client)
    await add_item(client, cart, variants[0]["id"], 1)

    async def add_second_line() -> None:
        await add_item(client, cart, variants[1]["id"], 2)

    tries = between_read_and_write(monkeypatch, add_second_line)
    response = await checkout(client, cart)
    assert response.status_code == 201, response.text
    assert tries == ["read first", "locked"]
    order = response.json()
    assert sorted((line["variant_id"], line["quantity"]) for line in order["lines"]) == sorted(
        [(variants[0]["id"], 1), (variants[1]["id"], 2)]
    )
    assert order["subtotal"] == 1000 + 2 * 1100
    assert [(await _level(app, v["id"])).reserved for v in variants] == [1, 2]
    assert len(await _orders_of(app, cart)) == 1


@pytest.mark.parametrize("same_key", [True, False])
async def test_a_checkout_between_the_read_and_the_write_leaves_one_order(
    client: httpx.AsyncClient, app: RustokApp, monkeypatch: pytest.MonkeyPatch, same_key: bool
) -> None:
    admin = await signed_in(client, app, "admin")
    variant = (await create_product(client, admin, variants=1, stock=5))["variants"][0]
    cart = await new_cart(client)
    await add_item(client, cart, variant["id"], 1)
    placed: list[httpx.Response] = []

    async def check_out_first() -> None:
        placed.append(await checkout(client, cart, key="the-key"))

    tries = between_read_and_write(monkeypatch, check_out_first)
    response = await checkout(client, cart, key="the-key" if same_key else "another-key")
    assert placed[0].status_code == 201, placed[0].text
    assert tries == ["read first", "read first", "locked"]
    if same_key:
        assert response.status_code == 201, response.text
        assert response.json()["id"] == placed[0].json()["id"]
        assert response.json()["lookup_token"] == placed[0].json()["lookup_token"]
    else:
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "CART_NOT_OPEN"
    assert [str(o.id) for o in await _orders_of(app, cart)] == [placed[0].json()["id"]]
    assert (await _level(app, variant["id"])).reserved == 1


async def test_stock_sold_between_the_read_and_the_write_is_refused(
    client: httpx.AsyncClient, app: RustokApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await signed_in(client, app, "admin")
    variant = (await create_product(client, admin, variants=1, stock=1))["variants"][0]
    cart, other = await new_cart(client), await new_cart(client)
    for each in (cart, other):
        await add_item(client, each, variant["id"], 1)
    placed: list[httpx.Response] = []

    async def sell_the_last_unit() -> None:
        placed.append(await checkout(client, other))

    tries = between_read_and_write(monkeypatch, sell_the_last_unit)
    response = await checkout(client, cart)
    assert placed[0].status_code == 201, placed[0].text
    assert tries == ["read first", "read first"]
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "INSUFFICIENT_INVENTORY"
    assert variant["id"] in response.json()["errors"]
    level = await _level(app, variant["id"])
    assert (level.stocked, level.reserved) == (1, 1)
    assert await _orders_of(app, cart) == []
    still_open = await client.get(
        f"/api/store/carts/{cart['id']}", headers={"X-Cart-Token": cart["token"]}
    )
    assert still_open.json()["status"] == "open"


async def test_a_price_changed_after_the_read_prices_the_order_as_read(
    client: httpx.AsyncClient, app: RustokApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await signed_in(client, app, "admin")
    variant = (await create_product(client, admin, variants=1, stock=5, price=1000))["variants"][0]
    cart = await new_cart(client)
    await add_item(client, cart, variant["id"], 2)

    async def reprice() -> None:
        changed = await client.put(
            f"/api/commerce/variants/{variant['id']}/prices",
            json=[{"currency_code": "USD", "amount": 1500}], headers=admin,
        )  # fmt: skip
        assert changed.status_code == 200, changed.text

    tries = between_read_and_write(monkeypatch, reprice)
    response = await checkout(client, cart)
    assert response.status_code == 201, response.text
    assert tries == ["read first"]
    order = response.json()
    # One price throughout: the lines, the totals and the authorised payment agree.
    assert [(line["unit_price"], line["total"]) for line in order["lines"]] == [(1000, 2000)]
    assert order["subtotal"] == 2000 and order["total"] == order["payment"]["amount"]
    monkeypatch.undo()
    later = await new_cart(client)
    await add_item(client, later, variant["id"], 2)
    assert (await checkout(client, later)).json()["subtotal"] == 3000
