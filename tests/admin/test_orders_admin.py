"""The commerce orders screen: the list (search, filters, sort, pages, statement budget) and
the order page with the transitions the state machine allows, through ``OrderService`` with
the REST routes' permissions."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from rustok.outbox.models import OutboxEvent
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.auth.helpers import make_user
from tests.conftest import count_queries, make_settings
from tests.modules.commerce.helpers import add_item, checkout, create_product, new_cart, signed_in

LIST = "/admin/commerce/orders"
ROW_RE = re.compile(r'<a href="/admin/commerce/orders/([0-9a-f-]{36})">#(\d+)</a>')
ACTION_RE = re.compile(r'action="/admin/commerce/orders/[0-9a-f-]{36}/(\w+)"')
# A list page of 50 orders: the session check, its touch (at most once a minute), the
# count, the page, and the orders' lines, history and payments in three batches
# (order_reads): measured 6 on SQLite and PostgreSQL; the budget does not grow with the rows.
LIST_BUDGET = 6
Json = dict[str, Any]


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _manager(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "manager@example.com", "manager")
    assert (await admin_sign_in(client, "manager@example.com")).status_code == 303


async def _place(client: httpx.AsyncClient, variant_id: str, email: str, quantity: int = 1) -> Json:
    cart = await new_cart(client)
    cart = await add_item(client, cart, variant_id, quantity)
    response = await checkout(client, cart, email=email)
    assert response.status_code == 201, response.text
    order: Json = response.json()
    return order


async def _orders(
    client: httpx.AsyncClient, app: RustokApp, count: int, stock: int = 100
) -> tuple[dict[str, str], list[Json]]:
    api = await signed_in(client, app, "admin")
    product = await create_product(client, api, title="Tee", variants=1, stock=stock)
    variant = product["variants"][0]["id"]
    orders = [await _place(client, variant, f"buyer{i}@example.com") for i in range(count)]
    return api, orders


async def _post(client: httpx.AsyncClient, order_id: str, action: str, **data: str) -> Any:
    page = await client.get(f"{LIST}/{order_id}")
    assert page.status_code == 200, page.text
    return await client.post(
        f"{LIST}/{order_id}/{action}", data={"_csrf": csrf_of(page.text), **data}
    )


async def test_the_list_searches_filters_and_sorts(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api, orders = await _orders(client, app, 4)
    paid = await client.post(f"/api/commerce/orders/{orders[1]['id']}/confirm", headers=api)
    assert paid.status_code == 200
    paid = await client.post(f"/api/commerce/orders/{orders[1]['id']}/pay", headers=api, json={})
    assert paid.status_code == 200, paid.text
    await _manager(client, app)

    first = await client.get(LIST)
    assert first.status_code == 200
    assert [n for _, n in ROW_RE.findall(first.text)] == ["4", "3", "2", "1"]  # newest first
    assert "4 found" in first.text and "buyer0@example.com" in first.text
    assert [n for _, n in ROW_RE.findall((await client.get(f"{LIST}?sort=number")).text)] == [
        "1", "2", "3", "4",
    ]  # fmt: skip
    by_email = ROW_RE.findall((await client.get(f"{LIST}?q=BUYER2@")).text)
    assert [n for _, n in by_email] == ["3"]
    by_number = ROW_RE.findall((await client.get(f"{LIST}?q=%232")).text)
    assert [n for _, n in by_number] == ["2"]
    assert "Nothing matches" in (await client.get(f"{LIST}?q=nobody%25")).text
    confirmed = ROW_RE.findall((await client.get(f"{LIST}?status=paid")).text)
    assert [n for _, n in confirmed] == ["2"]
    captured = ROW_RE.findall((await client.get(f"{LIST}?payment=captured")).text)
    assert [n for _, n in captured] == ["2"]
    authorized = ROW_RE.findall((await client.get(f"{LIST}?payment=authorized")).text)
    assert [n for _, n in authorized] == ["4", "3", "1"]
    today = dt.datetime.now(dt.UTC).date()
    tomorrow = today + dt.timedelta(days=1)
    placed = await client.get(f"{LIST}?placed_from={today}&placed_to={today}")
    assert len(ROW_RE.findall(placed.text)) == 4
    assert f'value="{today}"' in placed.text  # the date filter stays in the form
    assert ROW_RE.findall((await client.get(f"{LIST}?placed_from={tomorrow}")).text) == []
    yesterday = today - dt.timedelta(days=1)
    assert ROW_RE.findall((await client.get(f"{LIST}?placed_to={yesterday}")).text) == []
    for bad in ("sort=email", "status=lost", "payment=stolen", "placed_from=yesterday",
                "placed_to=2024-13-01", "placed_from=20240101", "page=0"):  # fmt: skip
        refused = await client.get(f"{LIST}?{bad}")
        assert refused.status_code == 400, bad
        assert "<html" in refused.text


async def test_the_empty_list_says_how_orders_are_placed(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await _manager(client, app)
    page = await client.get(LIST)
    assert "No orders yet." in page.text and "/api/store/carts" in page.text


async def test_a_list_of_50_rows_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await _orders(client, app, 51)
    await _manager(client, app)
    assert (await client.get(LIST)).status_code == 200  # caches the principal
    with count_queries(app.platform.db) as counter:
        page = await client.get(LIST)
    assert len(ROW_RE.findall(page.text)) == 50
    assert counter.count <= LIST_BUDGET, counter.statements
    assert "51 found" in page.text and "Page 1 of 2" in page.text
    second = await client.get(f"{LIST}?page=2")
    assert [n for _, n in ROW_RE.findall(second.text)] == ["1"]


async def test_the_order_page_shows_lines_totals_payment_and_history(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    product = await create_product(client, api, title="Linen shirt", price=2000, variants=2)
    order = await _place(client, product["variants"][1]["id"], "ada@example.com", quantity=3)
    await _manager(client, app)
    page = await client.get(f"{LIST}/{order['id']}")
    assert page.status_code == 200
    text = page.text
    assert "Order #1" in text and "ada@example.com" in text
    assert "Linen shirt — M" in text and "$21.00" in text and "$63.00" in text
    assert "authorized" in text and "London" in text
    assert ACTION_RE.findall(text) == ["confirm", "cancel"]  # exactly what pending allows


async def test_confirm_pay_ship_deliver_through_the_service(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api, (order,) = await _orders(client, app, 1)
    await _manager(client, app)
    oid = order["id"]
    confirmed = await _post(client, oid, "confirm")
    assert confirmed.status_code == 303 and confirmed.headers["location"] == f"{LIST}/{oid}"
    page = (await client.get(f"{LIST}/{oid}")).text
    assert "The order is confirmed." in page
    assert ACTION_RE.findall(page) == ["pay", "cancel"]
    assert (await _post(client, oid, "pay")).status_code == 303
    shipped = await _post(client, oid, "ship", tracking_number="TRK-42", carrier="DHL")
    assert shipped.status_code == 303
    page = (await client.get(f"{LIST}/{oid}")).text
    assert ACTION_RE.findall(page) == ["deliver"] and "TRK-42" in page and "captured" in page
    assert (await _post(client, oid, "deliver")).status_code == 303
    page = (await client.get(f"{LIST}/{oid}")).text
    assert ACTION_RE.findall(page) == [] and "None: the order is delivered." in page
    after = (await client.get(f"/api/commerce/orders/{oid}", headers=api)).json()
    assert after["status"] == "delivered" and after["tracking_number"] == "TRK-42"
    assert after["carrier"] == "DHL" and after["payment"]["status"] == "captured"
    assert [h["action"] for h in after["history"]] == ["place", "confirm", "pay", "ship", "deliver"]
    async with app.platform.db.read_session(all_tenants=True) as session:
        types = list(await session.scalars(select(OutboxEvent.event_type)))
    assert types.count("order.status_changed") == 4 and "order.completed" in types


async def test_cancel_with_a_reason_voids_the_payment(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api, (order,) = await _orders(client, app, 1)
    await _manager(client, app)
    cancelled = await _post(client, order["id"], "cancel", reason="customer asked")
    assert cancelled.status_code == 303
    after = (await client.get(f"/api/commerce/orders/{order['id']}", headers=api)).json()
    assert after["status"] == "cancelled" and after["cancel_reason"] == "customer asked"
    assert after["payment"]["status"] == "voided"
    page = (await client.get(f"{LIST}/{order['id']}")).text
    assert "customer asked" in page and ACTION_RE.findall(page) == []


async def test_a_blank_tracking_number_is_an_inline_error_and_changes_nothing(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api, (order,) = await _orders(client, app, 1)
    for action in ("confirm", "pay"):
        response = await client.post(
            f"/api/commerce/orders/{order['id']}/{action}", headers=api, json={}
        )
        assert response.status_code == 200, response.text
    await _manager(client, app)
    bad = await _post(client, order["id"], "ship", tracking_number="  ", carrier="DHL")
    assert bad.status_code == 400
    assert 'aria-invalid="true" aria-describedby="tracking_number-error"' in bad.text
    assert 'id="tracking_number-error"' in bad.text and "length &gt;= 1" in bad.text
    assert 'name="carrier" type="text" value="DHL"' in bad.text  # the typed value is kept
    after = (await client.get(f"/api/commerce/orders/{order['id']}", headers=api)).json()
    assert after["status"] == "paid" and after["tracking_number"] is None


async def test_a_transition_the_state_machine_refuses_shows_its_error(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api, (order,) = await _orders(client, app, 1)
    await _manager(client, app)
    page = await client.get(f"{LIST}/{order['id']}")
    token = csrf_of(page.text)
    # Another tab cancels the order; this page's "confirm" button is now stale.
    cancelled = await client.post(
        f"/api/commerce/orders/{order['id']}/cancel", headers=api, json={}
    )
    assert cancelled.status_code == 200
    refused = await client.post(f"{LIST}/{order['id']}/confirm", data={"_csrf": token})
    assert refused.status_code == 409
    assert "cannot confirm an order that is cancelled; allowed: none (terminal)" in refused.text
    assert 'role="alert"' in refused.text and ACTION_RE.findall(refused.text) == []
    shipped = await client.post(
        f"{LIST}/{order['id']}/ship", data={"_csrf": token, "tracking_number": "X"}
    )
    assert shipped.status_code == 409
    unknown = await client.post(f"{LIST}/{order['id']}/refund", data={"_csrf": token})
    assert unknown.status_code == 404
    after = (await client.get(f"/api/commerce/orders/{order['id']}", headers=api)).json()
    assert after["status"] == "cancelled" and len(after["history"]) == 2


async def test_a_transition_without_the_csrf_token_is_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api, (order,) = await _orders(client, app, 1)
    await _manager(client, app)
    refused = await client.post(f"{LIST}/{order['id']}/confirm", data={})
    assert refused.status_code == 403
    after = (await client.get(f"/api/commerce/orders/{order['id']}", headers=api)).json()
    assert after["status"] == "pending"


async def test_customers_and_other_tenants_cannot_open_orders(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    _, (order,) = await _orders(client, app, 1)
    await make_user(app.platform, "customer@example.com", "customer")
    assert (await admin_sign_in(client, "customer@example.com")).status_code == 303
    refused = await client.get(LIST)
    assert refused.status_code == 403 and "buyer0@example.com" not in refused.text
    token = csrf_of(refused.text)
    assert (await client.get(f"{LIST}/{order['id']}")).status_code == 403
    confirm = await client.post(f"{LIST}/{order['id']}/confirm", data={"_csrf": token})
    assert confirm.status_code == 403
