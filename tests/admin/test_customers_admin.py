"""The commerce customers screen: the list (search, sort, pages, statement budget) and a
customer's page with addresses and orders, through ``CustomerService`` and ``OrderService``
with the REST routes' permissions."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.auth.helpers import make_user
from tests.conftest import count_queries, make_settings
from tests.modules.commerce.helpers import (
    ADDRESS,
    add_item,
    checkout,
    create_product,
    new_cart,
    signed_in,
)

LIST = "/admin/commerce/customers"
ROW_RE = re.compile(r'<a href="/admin/commerce/customers/([0-9a-f-]{36})">([^<]*)</a>')
# A list page of 50 customers: the session check, its touch (at most once a minute), the
# count, the page, the addresses and the order counts in two batches: measured 5 on SQLite
# and PostgreSQL; the budget does not grow with the rows.
LIST_BUDGET = 5


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _manager(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "manager@example.com", "manager")
    assert (await admin_sign_in(client, "manager@example.com")).status_code == 303


async def test_the_list_searches_sorts_and_refuses_bad_parameters(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    for name in ("ann", "bob", "cat"):
        await make_user(app.platform, f"{name}@shop.example", "customer")
    await _manager(client, app)
    first = await client.get(LIST)
    assert first.status_code == 200
    assert [e for _, e in ROW_RE.findall(first.text)] == [
        "cat@shop.example", "bob@shop.example", "ann@shop.example",
    ]  # fmt: skip
    # Staff are not customers (the manager's address is only in the header).
    assert first.text.count("manager@example.com") == 1
    oldest = ROW_RE.findall((await client.get(f"{LIST}?sort=created")).text)
    assert next(e for _, e in oldest) == "ann@shop.example"
    assert [e for _, e in ROW_RE.findall((await client.get(f"{LIST}?q=BOB")).text)] == [
        "bob@shop.example"
    ]
    for bad in ("sort=email", "page=0", "q=" + "x" * 101):
        assert (await client.get(f"{LIST}?{bad}")).status_code == 400, bad


async def test_the_empty_list_says_where_customers_come_from(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await _manager(client, app)
    page = await client.get(LIST)
    assert "No customers yet." in page.text and "/api/auth/register" in page.text


async def test_a_list_of_50_rows_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    for i in range(51):
        await make_user(app.platform, f"buyer{i:02}@shop.example", "customer")
    await _manager(client, app)
    assert (await client.get(LIST)).status_code == 200  # caches the principal
    with count_queries(app.platform.db) as counter:
        page = await client.get(LIST)
    assert len(ROW_RE.findall(page.text)) == 50
    assert counter.count <= LIST_BUDGET, counter.statements
    assert "51 found" in page.text
    second = ROW_RE.findall((await client.get(f"{LIST}?page=2")).text)
    assert [e for _, e in second] == ["buyer00@shop.example"]


async def test_the_customer_page_shows_addresses_and_orders(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, title="Tee", variants=1)
    buyer = await signed_in(client, app, "customer", email="ada@shop.example")
    saved = await client.post(
        "/api/store/customers/me/addresses", json={**ADDRESS, "is_default": True}, headers=buyer
    )
    assert saved.status_code == 201, saved.text
    cart = await new_cart(client, buyer)
    cart = await add_item(client, cart, product["variants"][0]["id"], 2, headers=buyer)
    placed = await checkout(client, cart, headers=buyer, email="ada@shop.example")
    assert placed.status_code == 201, placed.text
    await _manager(client, app)
    listed = await client.get(LIST)
    ((customer_id, email),) = ROW_RE.findall(listed.text)
    assert email == "ada@shop.example"
    page = await client.get(f"{LIST}/{customer_id}")
    assert page.status_code == 200
    assert "1 Analytical Way" in page.text and "default" in page.text
    assert f'href="/admin/commerce/orders/{placed.json()["id"]}">#1</a>' in page.text
    assert "$50.00" in page.text and "Orders (1)" in page.text
    missing = await client.get(f"{LIST}/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404


async def test_a_customer_cannot_open_the_customers_screen(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "secret@shop.example", "customer")
    await make_user(app.platform, "customer@example.com", "customer")
    assert (await admin_sign_in(client, "customer@example.com")).status_code == 303
    refused = await client.get(LIST)
    assert refused.status_code == 403 and "secret@shop.example" not in refused.text
    assert csrf_of(refused.text)
