"""Commerce's write paths lock rows in the one order of commerce/locks.py (so two of them
never wait on each other in a cycle): checkout, pay, ship and both cancels, as the SQL they
send to PostgreSQL shows. SQLite runs one writer at a time and drops ``FOR UPDATE``."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

import rustok.modules.commerce.models  # noqa: F401  (every commerce table in the metadata)
from rustok.api.app import RustokApp
from rustok.core.db import Base
from rustok.modules.commerce.locks import LOCK_ORDER, ORDER_OWNED
from tests.conftest import count_queries
from tests.modules.commerce.helpers import add_item, checkout, create_product, new_cart, signed_in

Json = dict[str, Any]
_UPDATED = re.compile(r'^\s*UPDATE\s+"?(\w+)', re.IGNORECASE)
# A data-modifying CTE (the order number: orders/numbering.py) locks its own table first.
_UPDATED_IN_CTE = re.compile(r'^\s*WITH\s+\w+\s+AS\s+\(\s*UPDATE\s+"?(\w+)', re.IGNORECASE)
_LOCKED_OF = re.compile(r'\bFOR (?:NO KEY )?UPDATE OF "?(\w+)', re.IGNORECASE)
_LOCKED = re.compile(r"\bFOR (?:NO KEY )?UPDATE\b", re.IGNORECASE)
_FROM = re.compile(r'\bFROM\s+"?(\w+)', re.IGNORECASE)


def locked_table(statement: str) -> str | None:
    """The table whose rows ``statement`` locks (a row-locking read or an update), if any."""
    if updated := _UPDATED_IN_CTE.match(statement) or _UPDATED.match(statement):
        return updated[1]
    if of := _LOCKED_OF.search(statement):
        return of[1]
    if _LOCKED.search(statement) and (source := _FROM.search(statement)):
        return source[1]
    return None


def lock_sequence(statements: list[str]) -> list[str]:
    """The commerce tables locked, in the order of their first lock; an order's own rows
    (locked under the order) left out."""
    seen: list[str] = []
    for statement in statements:
        table = locked_table(statement)
        if table is None or table in ORDER_OWNED or table in seen:
            continue
        if table.startswith("commerce_"):
            seen.append(table)
    return seen


def test_locked_table_reads_updates_and_row_locks() -> None:
    assert locked_table("UPDATE commerce_discounts SET usage_count=1") == "commerce_discounts"
    assert locked_table("SELECT a FROM commerce_carts WHERE id = $1 FOR UPDATE") == (
        "commerce_carts"
    )
    joined = (
        "SELECT r.id, (SELECT v.product_id FROM commerce_variants v) FROM commerce_reservations "
        "JOIN commerce_inventory_levels ON 1 = 1 FOR UPDATE OF commerce_inventory_levels"
    )
    assert locked_table(joined) == "commerce_inventory_levels"
    assert locked_table("SELECT a FROM commerce_carts") is None
    numbered = "WITH n AS (UPDATE commerce_sequences SET v=v+1) UPDATE commerce_orders SET v=1"
    assert locked_table(numbered) == "commerce_sequences"
    assert lock_sequence(
        ["UPDATE commerce_payments SET x=1", "UPDATE commerce_orders SET x=1"] * 2
    ) == ["commerce_orders"]


def test_the_lock_order_names_real_tables() -> None:
    tables = set(Base.metadata.tables)
    assert set(LOCK_ORDER) <= tables and ORDER_OWNED <= tables
    assert not set(LOCK_ORDER) & ORDER_OWNED


async def _checked_out(
    client: httpx.AsyncClient, app: RustokApp, variants: list[Json]
) -> tuple[Json, list[str]]:
    cart = await new_cart(client)
    for variant in variants:
        await add_item(client, cart, variant["id"], 2)
    with count_queries(app.platform.db) as counter:
        response = await checkout(client, cart, discount_code="SAVE10")
    assert response.status_code == 201, response.text
    order: Json = response.json()
    return order, lock_sequence(counter.statements)


async def _transition(
    client: httpx.AsyncClient, app: RustokApp, admin: dict[str, str], order: Json, action: str
) -> list[str]:
    body = {"tracking_number": "TRACK-1"} if action == "ship" else {}
    with count_queries(app.platform.db) as counter:
        response = await client.post(
            f"/api/commerce/orders/{order['id']}/{action}", json=body, headers=admin
        )
    assert response.status_code == 200, response.text
    return lock_sequence(counter.statements)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_checkout_and_order_transitions_lock_in_the_stated_order(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    discount = await client.post(
        "/api/commerce/discounts", json={"code": "save10", "kind": "percentage", "value": 10},
        headers=admin,
    )  # fmt: skip
    assert discount.status_code == 201, discount.text
    variants = (await create_product(client, admin, variants=2, stock=20))["variants"]
    levels, discounts = "commerce_inventory_levels", "commerce_discounts"

    first, placed = await _checked_out(client, app, variants)
    assert placed == ["commerce_carts", levels, discounts, "commerce_sequences"]
    assert placed == sorted(placed, key=LOCK_ORDER.index)
    assert await _transition(client, app, admin, first, "cancel") == [
        "commerce_orders", levels, discounts,
    ]  # fmt: skip

    second, _ = await _checked_out(client, app, variants)
    assert await _transition(client, app, admin, second, "confirm") == ["commerce_orders"]
    assert await _transition(client, app, admin, second, "pay") == ["commerce_orders"]
    assert await _transition(client, app, admin, second, "cancel") == [
        "commerce_orders", levels, discounts,
    ]  # fmt: skip

    third, _ = await _checked_out(client, app, variants)
    for action in ("confirm", "pay"):
        await _transition(client, app, admin, third, action)
    assert await _transition(client, app, admin, third, "ship") == ["commerce_orders", levels]


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_checkout_holds_the_order_counter_for_the_outbox_insert_only(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    """Every checkout of a tenant queues on its order counter: after locking it, a checkout
    sends only its outbox rows before it commits (under load 16 clients timed out on this
    lock when the order and its lines were still to be inserted), and nothing of the cart
    runs while the stock rows are locked: they are locked after the order's rows are in."""
    admin = await signed_in(client, app, "admin")
    variants = (await create_product(client, admin, variants=2, stock=20))["variants"]
    for attempt in range(2):  # the first creates the counter
        cart = await new_cart(client)
        for variant in variants:
            await add_item(client, cart, variant["id"], 1)
        with count_queries(app.platform.db) as counter:
            response = await checkout(client, cart, key=f"counter-{attempt}")
        assert response.status_code == 201, response.text
        assert response.json()["display_number"] == attempt + 1
        tables = [locked_table(s) for s in counter.statements]
        numbered = max(i for i, t in enumerate(tables) if t == "commerce_sequences")
        after = [s.split("(")[0].strip() for s in counter.statements[numbered + 1 :]]
        assert after == ["INSERT INTO sys_events"], after  # its NOTIFY in its RETURNING
        stock = tables.index("commerce_inventory_levels")
        assert "commerce_carts" not in tables[stock:], tables
        if attempt == 0:
            continue  # the first order also creates the counter
        # The stock rows are locked late: then only the reservations, the number, the outbox.
        held = [" ".join(s.split("(")[0].split()) for s in counter.statements[stock:]]
        assert held == [
            "WITH wanted AS", "INSERT INTO commerce_reservations", "WITH next_number AS",
            "INSERT INTO sys_events",
        ], held  # fmt: skip
