"""Catalogue writes that once changed the storefront's data without raising an event, each
now reaching the read model: a currency dropped from a variant's prices, a compare-at price
changed alone, a collection deleted (issue 12, item 3). ``index check`` is clean after each."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text

from rustok.api.app import RustokApp
from rustok.core.context import TenantRef
from rustok.modules.index.rebuild import check
from tests.conftest import outbox_settled
from tests.modules.commerce.helpers import create_product, new_cart, signed_in

Json = dict[str, Any]
STORE = "/api/store/products"


async def _tenant(app: RustokApp) -> TenantRef:
    tenant = await app.tenancy.directory.by_slug("default")
    assert tenant is not None
    return tenant


async def _detail(client: httpx.AsyncClient, handle: str, currency: str) -> Json:
    response = await client.get(f"{STORE}/{handle}", params={"currency": currency})
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


async def _set_prices(
    client: httpx.AsyncClient, admin: dict[str, str], variant_id: str, prices: list[Json]
) -> None:
    response = await client.put(
        f"/api/commerce/variants/{variant_id}/prices", json=prices, headers=admin
    )
    assert response.status_code == 200, response.text


async def _drift(app: RustokApp) -> list[Any]:
    result = await check(app.platform, await _tenant(app), "products", recheck_after=0)
    return list(result.drift)


async def test_a_dropped_currency_leaves_the_storefront(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, title="Kettle", variants=1, stock=4)
    variant = product["variants"][0]["id"]
    await _set_prices(client, admin, variant, [
        {"currency_code": "USD", "amount": 2500}, {"currency_code": "EUR", "amount": 2300},
    ])  # fmt: skip
    await outbox_settled(app.platform)
    euro = await _detail(client, "kettle", "EUR")
    assert (euro["price_min"], euro["in_stock"], euro["variants"][0]["available"]) == (
        2300, True, True,
    )  # fmt: skip
    listed = (await client.get(STORE, params={"currency": "EUR"})).json()["items"]
    assert [p["handle"] for p in listed] == ["kettle"]

    # EUR dropped, USD unchanged: the storefront must stop offering the kettle in EUR, which
    # a cart in EUR would refuse.
    await _set_prices(client, admin, variant, [{"currency_code": "USD", "amount": 2500}])
    await outbox_settled(app.platform)
    euro = await _detail(client, "kettle", "EUR")
    assert (euro["price_min"], euro["in_stock"], euro["variants"][0]["available"]) == (
        None, False, False,
    )  # fmt: skip
    assert euro["variants"][0]["prices"] == [
        {"currency_code": "USD", "amount": 2500, "compare_at_amount": None}
    ]
    assert (await client.get(STORE, params={"currency": "EUR"})).json()["items"] == []
    cart = await new_cart(client, currency_code="EUR")
    refused = await client.post(
        f"/api/store/carts/{cart['id']}/items", json={"variant_id": variant, "quantity": 1},
        headers={"X-Cart-Token": cart["token"]},
    )  # fmt: skip
    assert refused.status_code >= 400, refused.text
    assert await _drift(app) == []

    # Every price dropped: nothing is sellable in any currency.
    await _set_prices(client, admin, variant, [])
    await outbox_settled(app.platform)
    usd = await _detail(client, "kettle", "USD")
    assert (usd["price_min"], usd["in_stock"], usd["variants"][0]["prices"]) == (None, False, [])
    assert (await client.get(STORE)).json()["items"] == []  # lists show priced products
    assert await _drift(app) == []


async def test_a_compare_at_change_alone_reaches_the_storefront(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, title="Toaster", variants=1, price=4000)
    variant = product["variants"][0]["id"]
    await outbox_settled(app.platform)
    assert (await _detail(client, "toaster", "USD"))["on_sale"] is False

    await _set_prices(client, admin, variant, [
        {"currency_code": "USD", "amount": 4000, "compare_at_amount": 5000},
    ])  # fmt: skip
    await outbox_settled(app.platform)
    shown = await _detail(client, "toaster", "USD")
    assert (shown["on_sale"], shown["variants"][0]["compare_at_price"]) == (True, 5000)
    listed = (await client.get(STORE)).json()["items"]
    assert (listed[0]["on_sale"], listed[0]["compare_at_max"]) == (True, 5000)

    await _set_prices(client, admin, variant, [{"currency_code": "USD", "amount": 4000}])
    await outbox_settled(app.platform)
    shown = await _detail(client, "toaster", "USD")
    assert (shown["on_sale"], shown["variants"][0]["compare_at_price"]) == (False, None)
    assert await _drift(app) == []


async def test_a_deleted_collection_leaves_its_products_listings(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    made = await client.post("/api/commerce/collections", json={"title": "Summer"}, headers=admin)
    assert made.status_code == 201, made.text
    collection = made.json()["id"]
    await create_product(client, admin, title="Parasol", variants=1, collection_ids=[collection])
    await create_product(client, admin, title="Umbrella", variants=1)
    await outbox_settled(app.platform)
    assert await _drift(app) == []

    deleted = await client.delete(f"/api/commerce/collections/{collection}", headers=admin)
    assert deleted.status_code == 204, deleted.text
    await outbox_settled(app.platform)
    assert await _drift(app) == []


async def test_option_values_added_by_variants_keep_their_order(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    """Values a variant adds share one position; the listing (and the check reading the
    catalogue again) must list them in one order, the order they were added."""
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, title="Scarf", variants=1)
    for size in ("XL", "XXL", "3XL"):
        response = await client.post(
            f"/api/commerce/products/{product['id']}/variants", headers=admin,
            json={"sku": f"SCARF-{size}", "options": {"Size": size}},
        )  # fmt: skip
        assert response.status_code == 201, response.text
    # Rewrite the first added value twice (an indexed column: no in-place update), so
    # PostgreSQL stores and indexes it after the others.
    async with app.platform.db.read_session(all_tenants=True) as session:
        for old, new in (("XL", "XL-"), ("XL-", "XL")):
            await session.execute(
                text("UPDATE commerce_product_option_values SET value = :new WHERE value = :old"),
                {"old": old, "new": new},
            )
        await session.commit()
    await outbox_settled(app.platform)
    shown = (await client.get(f"/api/commerce/products/{product['id']}", headers=admin)).json()
    assert shown["options"][0]["values"] == ["S", "XL", "XXL", "3XL"]
    assert (await _detail(client, "scarf", "USD"))["options"][0]["values"] == [
        "S", "XL", "XXL", "3XL",
    ]  # fmt: skip
    assert await _drift(app) == []
