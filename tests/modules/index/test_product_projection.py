"""index_products follows the commerce catalogue through events (IX-1), and the storefront
reads it (API.md ``/api/store/products``): cursor pages that neither skip nor repeat, every
filter, locale fallback, currencies; price and stock changes, unpublish and delete show up
exactly; handling the events again changes nothing."""

from __future__ import annotations

from typing import Any

import httpx

from rustok.api.app import RustokApp
from tests.conftest import outbox_settled
from tests.modules.commerce.helpers import create_product, signed_in

Json = dict[str, Any]
STORE = "/api/store/products"


async def _walk(client: httpx.AsyncClient, **params: Any) -> list[Json]:
    items: list[Json] = []
    cursor = None
    for _ in range(50):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(STORE, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the cursor never ended")


async def test_cursor_pages_filters_and_sorts(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    shirts = await client.post("/api/commerce/categories", json={"name": "Shirts"}, headers=admin)
    made = []
    for i in range(7):
        extra = {"category_ids": [shirts.json()["id"]]} if i % 2 == 0 else {}
        made.append(
            await create_product(
                client,
                admin,
                title=f"Item {i}",
                price=1000 + 100 * (i % 4),
                variants=1,
                stock=0 if i == 3 else 5,
                images=[{"url": f"https://cdn.example.com/{i}.jpg"}],
                **extra,
            )
        )
    await create_product(client, admin, title="Hidden draft", status="draft")
    await outbox_settled(app.platform)
    newest = await _walk(client, limit=3)
    assert [p["title"] for p in newest] == [f"Item {i}" for i in reversed(range(7))]
    assert newest[0] == {
        "id": made[6]["id"], "handle": "item-6", "title": "Item 6", "price_min": 1200,
        "price_max": 1200, "compare_at_max": None, "currency_code": "USD", "in_stock": True,
        "on_sale": False, "thumbnail": "https://cdn.example.com/6.jpg", "locale": "en",
    }  # fmt: skip
    oldest = await _walk(client, limit=2, sort="oldest")
    assert [p["title"] for p in oldest] == [f"Item {i}" for i in range(7)]
    cheap_first = await _walk(client, limit=2, sort="price_asc")
    prices = [p["price_min"] for p in cheap_first]
    assert prices == sorted(prices) and len(cheap_first) == 7
    dear_first = await _walk(client, limit=4, sort="price_desc")
    assert [p["price_min"] for p in dear_first] == sorted(prices, reverse=True)
    assert {p["title"] for p in await _walk(client, category="shirts")} == {
        "Item 0", "Item 2", "Item 4", "Item 6",
    }  # fmt: skip
    by_id = await _walk(client, category=shirts.json()["id"])
    assert len(by_id) == 4
    assert [p["title"] for p in await _walk(client, in_stock=False)] == ["Item 3"]
    assert len(await _walk(client, in_stock=True)) == 6
    ranged = await _walk(client, min_price=1100, max_price=1200)
    assert {p["price_min"] for p in ranged} == {1100, 1200}
    assert [p["title"] for p in await _walk(client, q="item 5")] == ["Item 5"]
    assert await _walk(client, currency="EUR") == []
    bad = await client.get(STORE, params={"cursor": "not-a-cursor"})
    assert bad.status_code == 400 and "cursor" in bad.json()["errors"]
    first = (await client.get(STORE, params={"limit": 1})).json()
    crossed = await client.get(STORE, params={"cursor": first["next_cursor"], "sort": "price_asc"})
    assert crossed.status_code == 400


async def test_product_page_by_handle_with_locale_fallback(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    body_extra = {"vendor": "Acme"}
    product = await create_product(client, admin, title="Tea cup", price=900, stock=2, **body_extra)
    await client.patch(
        f"/api/commerce/products/{product['id']}",
        json={"translations": [{"locale": "fr", "title": "Tasse", "handle": "tasse"}]},
        headers=admin,
    )
    await client.put(
        f"/api/commerce/variants/{product['variants'][1]['id']}/prices",
        json=[{"currency_code": "USD", "amount": 1100, "compare_at_amount": 1500}],
        headers=admin,
    )
    await client.post(
        f"/api/commerce/variants/{product['variants'][1]['id']}/inventory/set",
        json={"quantity": 0}, headers=admin,
    )  # fmt: skip
    await outbox_settled(app.platform)
    page = await client.get(f"{STORE}/tea-cup")
    assert page.status_code == 200, page.text
    body = page.json()
    assert (body["title"], body["locale"], body["vendor"]) == ("Tea cup", "en", "Acme")
    assert (body["price_min"], body["price_max"], body["in_stock"]) == (900, 1100, True)
    small, medium = body["variants"]
    assert (small["available"], small["available_quantity"], small["price"]) == (True, 2, 900)
    assert (medium["available"], medium["compare_at_price"]) == (False, 1500)
    assert body["options"] == [{"name": "Size", "values": ["S", "M"]}]
    # "fr" is not a locale of the tenant: its listings are in the default locale only.
    french = (await client.get(f"{STORE}/tea-cup", params={"locale": "fr"})).json()
    assert french["id"] == product["id"] and french["locale"] == "en"
    assert (await client.get(f"{STORE}/tasse", params={"locale": "fr"})).status_code == 404
    euro = (await client.get(f"{STORE}/tea-cup", params={"currency": "EUR"})).json()
    assert euro["price_min"] is None and euro["in_stock"] is False
    assert (await client.get(f"{STORE}/no-such-thing")).status_code == 404
    await client.post(f"/api/commerce/products/{product['id']}/unpublish", headers=admin)
    await outbox_settled(app.platform)
    assert (await client.get(f"{STORE}/tea-cup")).status_code == 404
