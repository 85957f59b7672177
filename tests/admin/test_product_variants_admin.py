"""The product screens' new-product, add-variant and set-stock forms, through the catalogue
and inventory services with the REST routes' permissions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.auth.helpers import make_user
from tests.conftest import make_settings
from tests.modules.commerce.helpers import create_product, signed_in, stock_of

LIST = "/admin/commerce/products"


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _manager(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "manager@example.com", "manager")
    assert (await admin_sign_in(client, "manager@example.com")).status_code == 303


async def _token(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


async def _read(client: httpx.AsyncClient, api: dict[str, str], pid: str) -> Any:
    return (await client.get(f"/api/commerce/products/{pid}", headers=api)).json()


async def _new_product(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    token = await _token(client, f"{LIST}/new")
    return await client.post(f"{LIST}/new", data={"_csrf": token, **fields})


async def test_a_new_product_with_two_variants_prices_and_stock(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    await _manager(client, app)
    created = await _new_product(
        client, title="Linen tee", handle="linen-tee", option_name="Size", opt_0="S",
        sku="LT-S", price_currency="usd", price_amount="19.99", price_currency_2="EUR",
        price_amount_2="18", stock="5",
    )  # fmt: skip
    assert created.status_code == 303, created.text
    pid = created.headers["location"].rsplit("/", 1)[1]
    assert "Product created." in (await client.get(created.headers["location"])).text
    token = await _token(client, f"{LIST}/{pid}")
    added = await client.post(
        f"{LIST}/{pid}/variants",
        data={"_csrf": token, "sku": "LT-M", "variant_title": "M", "opt_0": "M",
              "price_currency": "USD", "price_amount": "21.50", "stock": "2"},
    )  # fmt: skip
    assert added.status_code == 303, added.text
    product = await _read(client, api, pid)
    assert product["status"] == "draft" and product["translations"][0]["handle"] == "linen-tee"
    assert product["options"][0]["name"] == "Size" and product["options"][0]["values"] == ["S", "M"]
    small, medium = product["variants"]
    assert sorted((p["currency_code"], p["amount"]) for p in small["prices"]) == [
        ("EUR", 1800), ("USD", 1999),
    ]  # fmt: skip
    assert [(p["currency_code"], p["amount"]) for p in medium["prices"]] == [("USD", 2150)]
    assert (small["inventory_quantity"], medium["inventory_quantity"]) == (5, 2)
    page = (await client.get(f"{LIST}/{pid}")).text
    assert "Variant added." in page and "$21.50" in page and "Size: M" in page

    location = await client.post(
        "/api/commerce/stock-locations", json={"code": "north", "name": "North"}, headers=api
    )
    assert location.status_code == 201, location.text
    north = location.json()["id"]
    saved = await client.post(
        f"{LIST}/{pid}/variants/{medium['id']}/stock",
        data={"_csrf": token, "location_id": north, "quantity": "7"},
    )
    assert saved.status_code == 303, saved.text
    levels = {
        x["location_code"]: x["stocked"]
        for x in (await stock_of(client, api, medium["id"]))["locations"]
    }
    assert levels == {"default": 2, "north": 7}
    page = (await client.get(f"{LIST}/{pid}")).text
    assert "Stock saved." in page and "North: 7 stocked, 7 available" in page


async def test_form_errors_show_inline_and_change_nothing(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    product = await create_product(client, api, title="Tee", variants=1, stock=3)
    taken = product["variants"][0]["sku"]
    await _manager(client, app)
    no_title = await _new_product(client, title="", sku="NEW-1", price_currency="USD",
                                  price_amount="5")  # fmt: skip
    assert no_title.status_code == 400
    assert 'aria-describedby="title-error"' in no_title.text
    assert 'name="sku" type="text" value="NEW-1"' in no_title.text  # the typed values stay
    pid = product["id"]
    token = await _token(client, f"{LIST}/{pid}")
    duplicate = await client.post(
        f"{LIST}/{pid}/variants",
        data={"_csrf": token, "sku": taken, "opt_0": "M", "price_currency": "USD",
              "price_amount": "10"},
    )  # fmt: skip
    assert duplicate.status_code == 409
    assert 'id="sku-error"' in duplicate.text and taken in duplicate.text
    cents = await client.post(
        f"{LIST}/{pid}/variants",
        data={"_csrf": token, "sku": "FRESH", "opt_0": "M", "price_currency": "USD",
              "price_amount": "10.999"},
    )  # fmt: skip
    assert cents.status_code == 400
    assert 'id="price_amount-error"' in cents.text and "at most 2 decimals" in cents.text
    variant = product["variants"][0]["id"]
    negative = await client.post(
        f"{LIST}/{pid}/variants/{variant}/stock", data={"_csrf": token, "quantity": "-4"}
    )
    assert negative.status_code == 400
    assert f'id="qty-{variant}-error"' in negative.text and "&gt;= 0" in negative.text
    after = await _read(client, api, pid)
    assert len(after["variants"]) == 1 and after["variants"][0]["inventory_quantity"] == 3
    other = await create_product(client, api, title="Other", variants=1)
    foreign = await client.post(
        f"{LIST}/{pid}/variants/{other['variants'][0]['id']}/stock",
        data={"_csrf": token, "quantity": "1"},
    )
    assert foreign.status_code == 404


async def test_a_customer_cannot_add_variants_or_set_stock(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    product = await create_product(client, api, title="Tee", variants=1, stock=3)
    await make_user(app.platform, "customer@example.com", "customer")
    assert (await admin_sign_in(client, "customer@example.com")).status_code == 303
    refused = await client.get(f"{LIST}/new")
    assert refused.status_code == 403
    token = csrf_of(refused.text)
    variant = product["variants"][0]["id"]
    for path in (f"{LIST}/new", f"{LIST}/{product['id']}/variants",
                 f"{LIST}/{product['id']}/variants/{variant}/stock"):  # fmt: skip
        response = await client.post(path, data={"_csrf": token, "sku": "X", "quantity": "9"})
        assert response.status_code == 403, path
    assert (await stock_of(client, api, variant))["stocked"] == 3
