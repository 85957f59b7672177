"""The commerce carts screen (read-only, for support staff): the list with its status filter,
e-mail search, sort and pages, and a cart's page with lines, totals, customer and region —
through ``CartStaffReads`` with ``customers:list``/``customers:read`` (no REST cart admin
route exists); the cart's token is never shown."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.context import use_context
from rustok.core.db import utcnow
from rustok.core.settings import Settings
from tests.admin.grant_helpers import revoke
from tests.admin.helpers import csrf_of
from tests.admin.platform_helpers import staff
from tests.conftest import count_queries, make_settings
from tests.modules.commerce.helpers import (
    add_item,
    cart_headers,
    checkout,
    commerce_of,
    create_product,
    new_cart,
    signed_in,
    tenant_context,
)

PATH = "/admin/commerce/carts"
ROW_RE = re.compile(r'href="/admin/commerce/carts/([0-9a-f-]{36})"')
# The session check, the count, the page and the pages' line counts: measured 4.
BUDGET = 4


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _abandon_open_carts(app: RustokApp) -> None:
    with use_context(await tenant_context(app)):
        later = utcnow() + dt.timedelta(seconds=1)
        await commerce_of(app).carts.abandon_idle(updated_before=later, limit=100)


async def test_lists_filters_searches_and_shows_a_cart(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    product = await create_product(client, api, title="Tee", variants=2, price=2500)
    small, medium = (v["id"] for v in product["variants"])
    region = await client.post(
        "/api/commerce/regions",
        json={"name": "Europe", "currency_code": "USD", "tax_rate_bps": 1000, "countries": ["DE"]},
        headers=api,
    )
    assert region.status_code == 201, region.text
    idle = await new_cart(client, email="idle@example.com")
    await add_item(client, idle, small, 1)
    await _abandon_open_carts(app)
    done = await new_cart(client, email="done@example.com")
    await add_item(client, done, small, 1)
    assert (await checkout(client, done, email="done@example.com")).status_code == 201
    shopper = await signed_in(client, app, "customer", email="ada@example.com")
    open_cart = await new_cart(client, shopper)
    await add_item(client, open_cart, small, 2, headers=shopper)
    await add_item(client, open_cart, medium, 1, headers=shopper)
    patched = await client.patch(
        f"/api/store/carts/{open_cart['id']}", json={"country_code": "DE"},
        headers=cart_headers(open_cart, shopper),
    )  # fmt: skip
    assert patched.status_code == 200, patched.text

    await staff(client, app, "manager")
    listed = await client.get(PATH)
    assert listed.status_code == 200 and 'href="/admin/commerce/carts"' in listed.text
    # Newest change first: the open cart, then the completed one, then the abandoned one.
    assert ROW_RE.findall(listed.text) == [open_cart["id"], done["id"], idle["id"]]
    assert open_cart["token"] not in listed.text
    only = await client.get(PATH, params={"status": "abandoned"})
    assert ROW_RE.findall(only.text) == [idle["id"]] and "idle@example.com" in only.text
    completed = await client.get(PATH, params={"status": "completed"})
    assert ROW_RE.findall(completed.text) == [done["id"]]
    found = await client.get(PATH, params={"q": "ADA@"})  # the customer's own e-mail
    assert ROW_RE.findall(found.text) == [open_cart["id"]] and "2 (3 " in found.text
    oldest = await client.get(PATH, params={"sort": "created"})
    assert ROW_RE.findall(oldest.text) == [idle["id"], done["id"], open_cart["id"]]

    detail = await client.get(f"{PATH}/{open_cart['id']}")
    assert detail.status_code == 200, detail.text
    assert open_cart["token"] not in detail.text
    assert "ada@example.com" in detail.text and "Europe" in detail.text and "(DE)" in detail.text
    for sku in (v["sku"] for v in product["variants"]):
        assert f"<code>{sku}</code>" in detail.text
    # 2 × 25.00 + 26.00 = 76.00, and 10 % tax.
    assert "$76.00" in detail.text and "$7.60" in detail.text
    assert (await client.get(f"{PATH}/{idle['token'][:8]}")).status_code == 404
    missing = await client.get(f"{PATH}/00000000-0000-7000-8000-000000000000")
    assert missing.status_code == 404


async def test_bad_list_parameters_are_refused(client: httpx.AsyncClient, app: RustokApp) -> None:
    await staff(client, app, "admin")
    empty = await client.get(PATH)
    assert empty.status_code == 200 and "No carts yet." in empty.text
    for params in ({"status": "lost"}, {"sort": "email"}, {"page": "0"}, {"q": "x" * 101}):
        refused = await client.get(PATH, params=params)
        assert refused.status_code == 400, params


async def test_refused_without_the_permission_for_a_customer_and_not_writable(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    cart = await new_cart(client, email="someone@example.com")
    await revoke(app, "manager", "customers")
    await staff(client, app, "manager")
    token = csrf_of((await client.get("/admin")).text)
    assert (await client.get(PATH)).status_code == 403
    assert (await client.get(f"{PATH}/{cart['id']}")).status_code == 403
    await staff(client, app, "customer")
    assert (await client.get(PATH)).status_code == 403
    refused = await client.get(f"{PATH}/{cart['id']}")
    assert refused.status_code == 403 and "someone@example.com" not in refused.text
    await staff(client, app, "admin")
    # Read-only: no write route (with or without a CSRF token).
    assert (await client.post(PATH, data={"_csrf": token})).status_code in (403, 405)
    assert (await client.post(f"{PATH}/{cart['id']}")).status_code in (403, 405)


async def test_the_list_pages_within_its_statement_budget(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    variant = (await create_product(client, api, variants=1, stock=100))["variants"][0]["id"]
    for n in range(51):
        cart = await new_cart(client, email=f"c{n:02}@example.com")
        await add_item(client, cart, variant, 1)
    await staff(client, app, "admin")
    assert (await client.get(PATH)).status_code == 200
    with count_queries(app.platform.db) as counter:
        first = await client.get(PATH)
    assert len(ROW_RE.findall(first.text)) == 50 and "c50@example.com" in first.text
    assert "c00@example.com" not in first.text and first.text.count("1 (1 ") == 50
    assert counter.count <= BUDGET, counter.statements
    second = await client.get(PATH, params={"page": "2"})
    assert ROW_RE.findall(second.text) and "c00@example.com" in second.text
