"""The commerce price-lists screen: the list, adding a list, its prices per variant (by SKU),
currency and minimum quantity with a stale-form check, deleting it — through
``PriceListService`` with the REST routes' ``products:*`` permissions; bad input is said
under its field."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from tests.admin.grant_helpers import revoke
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.admin.platform_helpers import staff
from tests.auth.helpers import make_user
from tests.conftest import count_queries, make_settings
from tests.modules.commerce.helpers import create_product, signed_in

PATH = "/admin/commerce/price-lists"
API = "/api/commerce/price-lists"
ROW_RE = re.compile(r'href="/admin/commerce/price-lists/([0-9a-f-]{36})"')
VERSION_RE = re.compile(r'name="version" value="([^"]+)"')
# The session check, the count, the page and its prices: measured 4 on both databases.
BUDGET = 4


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


def _form(**fields: str) -> dict[str, str]:
    return {"name": "Wholesale", "description": "", "status": "active", "starts_at": "",
            "ends_at": "", **fields}  # fmt: skip


async def _create(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    token = csrf_of((await client.get(PATH)).text)
    return await client.post(PATH, data={"_csrf": token, **_form(**fields)})


async def _edit_form(client: httpx.AsyncClient, path: str) -> dict[str, str]:
    form = await client.get(path)
    assert form.status_code == 200, form.text
    version = VERSION_RE.search(form.text)
    assert version is not None
    return {"_csrf": csrf_of(form.text), "version": version.group(1)}


async def test_add_a_list_set_its_prices_and_delete_it_through_the_service(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    product = await create_product(client, api, title="Tee")
    small, medium = (v["sku"] for v in product["variants"])
    await staff(client, app, "admin")
    empty = await client.get(PATH)
    assert empty.status_code == 200 and "No price lists yet." in empty.text
    assert 'href="/admin/commerce/price-lists"' in empty.text  # the sidebar link
    added = await _create(client, name="Trade", status="draft", starts_at="2026-01-01T00:00")
    assert added.status_code == 303, added.text
    [read] = (await client.get(API, headers=api)).json()["items"]
    assert read["name"] == "Trade" and read["status"] == "draft" and read["prices"] == []
    assert read["starts_at"].startswith("2026-01-01T00:00:00")
    assert added.headers["location"] == f"{PATH}/{read['id']}"
    page = await client.get(added.headers["location"])
    assert "Price list added." in page.text and 'id="sku_2"' in page.text
    edit = await _edit_form(client, f"{PATH}/{read['id']}")
    prices = {**edit, "sku_0": small, "currency_0": "eur", "amount_0": "19.90",
              "min_quantity_0": "", "sku_2": medium, "currency_2": "EUR", "amount_2": "18",
              "min_quantity_2": "10", "sku_1": "", "currency_1": "", "amount_1": ""}  # fmt: skip
    saved = await client.post(f"{PATH}/{read['id']}", data=prices)
    assert saved.status_code == 303, re.findall(r"field-error[^<]*<", saved.text)
    stored = (await client.get(f"{API}/{read['id']}", headers=api)).json()["prices"]
    by_sku = {p["variant_id"]: p for p in stored}
    ids = {v["sku"]: v["id"] for v in product["variants"]}
    assert by_sku[ids[small]] | {"id": None} == {
        "id": None, "variant_id": ids[small], "currency_code": "EUR", "amount": 1990,
        "min_quantity": 1,
    }  # fmt: skip
    assert by_sku[ids[medium]]["amount"] == 1800 and by_sku[ids[medium]]["min_quantity"] == 10
    shown = await client.get(f"{PATH}/{read['id']}")
    assert f'value="{small}"' in shown.text and 'value="19.90"' in shown.text
    # The form opened before that save is stale now: refused, the prices stay.
    stale = await client.post(f"{PATH}/{read['id']}", data={**prices, "amount_0": "1.00"})
    assert stale.status_code == 409 and "someone changed this record" in stale.text
    assert len((await client.get(f"{API}/{read['id']}", headers=api)).json()["prices"]) == 2
    listed = await client.get(PATH)
    assert ROW_RE.findall(listed.text) == [read["id"]] and "<td>2</td>" in listed.text
    deleted = await client.post(f"{PATH}/{read['id']}/delete", data={"_csrf": edit["_csrf"]})
    assert deleted.status_code == 303 and "Price list deleted." in (await client.get(PATH)).text
    assert (await client.get(API, headers=api)).json()["items"] == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"name": ""}, "name"), ({"status": "bogus"}, "status"), ({"starts_at": "soon"}, "starts_at"),
     ({"starts_at": "2026-02-01T00:00", "ends_at": "2026-01-01T00:00"}, "ends_at")],
)  # fmt: skip
async def test_bad_input_on_the_add_form_is_said_under_its_field(
    client: httpx.AsyncClient, app: RustokApp, fields: dict[str, str], field: str
) -> None:
    await staff(client, app, "admin")
    refused = await _create(client, **fields)
    assert refused.status_code == 400, refused.text
    assert f'id="{field}-error"' in refused.text and "No price lists yet." in refused.text


@pytest.mark.parametrize(
    ("row", "field"),
    [({"sku_0": "NO-SUCH"}, "sku_0"), ({"amount_0": "abc"}, "amount_0"),
     ({"amount_0": "1.001"}, "amount_0"), ({"currency_0": "EURO"}, "currency_0"),
     ({"min_quantity_0": "0"}, "min_quantity_0"), ({"amount_0": "-1"}, "amount_0")],
)  # fmt: skip
async def test_bad_prices_are_said_under_their_field_and_nothing_is_saved(
    client: httpx.AsyncClient, app: RustokApp, row: dict[str, str], field: str
) -> None:
    api = await signed_in(client, app, "admin")
    product = await create_product(client, api, variants=1)
    created = await client.post(API, json={"name": "Sale"}, headers=api)
    list_id = created.json()["id"]
    await staff(client, app, "admin")
    edit = await _edit_form(client, f"{PATH}/{list_id}")
    fields = {"sku_0": product["variants"][0]["sku"], "currency_0": "USD", "amount_0": "5",
              "min_quantity_0": "1", **row}  # fmt: skip
    refused = await client.post(f"{PATH}/{list_id}", data={**edit, **fields})
    assert refused.status_code == 400, refused.text
    assert f'id="{field}-error"' in refused.text
    assert (await client.get(f"{API}/{list_id}", headers=api)).json()["prices"] == []


async def test_two_prices_for_one_variant_currency_and_quantity_are_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    sku = (await create_product(client, api, variants=1))["variants"][0]["sku"]
    list_id = (await client.post(API, json={"name": "Sale"}, headers=api)).json()["id"]
    await staff(client, app, "admin")
    edit = await _edit_form(client, f"{PATH}/{list_id}")
    row = {"currency": "USD", "amount": "5", "min_quantity": "1", "sku": sku}
    twice = {f"{k}_{i}": v for i in (0, 1) for k, v in row.items()}
    refused = await client.post(f"{PATH}/{list_id}", data={**edit, **twice})
    assert refused.status_code == 400 and 'id="prices-error"' in refused.text


async def test_refused_without_the_permission_for_a_customer_and_without_csrf(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    list_id = (await client.post(API, json={"name": "Sale"}, headers=api)).json()["id"]
    await staff(client, app, "admin")
    assert (await client.post(PATH, data=_form())).status_code == 403  # no CSRF token
    assert (await client.post(f"{PATH}/{list_id}/delete")).status_code == 403
    await revoke(app, "manager", "products")
    await staff(client, app, "manager")
    token = csrf_of((await client.get("/admin")).text)
    assert (await client.get(PATH)).status_code == 403
    assert (await client.get(f"{PATH}/{list_id}")).status_code == 403
    assert (await client.post(PATH, data={"_csrf": token, **_form()})).status_code == 403
    client.cookies.clear()
    await make_user(app.platform, "shopper@example.com", "customer")
    assert (await admin_sign_in(client, "shopper@example.com")).status_code == 303
    token = csrf_of((await client.get("/admin")).text)
    assert (await client.get(PATH)).status_code == 403
    delete = await client.post(f"{PATH}/{list_id}/delete", data={"_csrf": token})
    assert delete.status_code == 403
    assert len((await client.get(API, headers=api)).json()["items"]) == 1


async def test_the_list_pages_newest_first_within_its_statement_budget(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    sku = (await create_product(client, api, variants=1))["variants"][0]["sku"]
    variant_id = (await client.get("/api/commerce/products", headers=api)).json()["items"][0][
        "variants"
    ][0]["id"]
    for n in range(51):
        created = await client.post(API, json={"name": f"List {n:02}"}, headers=api)
        assert created.status_code == 201
        price = [{"variant_id": variant_id, "currency_code": "USD", "amount": 100 + n}]
        put = await client.put(f"{API}/{created.json()['id']}/prices", json=price, headers=api)
        assert put.status_code == 200, put.text
    assert sku
    await staff(client, app, "admin")
    assert (await client.get(PATH)).status_code == 200
    with count_queries(app.platform.db) as counter:
        first = await client.get(PATH)
    assert len(ROW_RE.findall(first.text)) == 50 and "List 50" in first.text
    assert "List 00" not in first.text
    assert counter.count <= BUDGET, counter.statements
    second = await client.get(PATH, params={"page": "2"})
    assert len(ROW_RE.findall(second.text)) == 1 and "List 00" in second.text
    assert (await client.get(PATH, params={"sort": "created"})).status_code == 400
    assert (await client.get(PATH, params={"page": "0"})).status_code == 400
