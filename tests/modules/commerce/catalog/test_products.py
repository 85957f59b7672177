"""Products over HTTP (CO-1, CO-2, SM-3): create with everything, read, update, lifecycle,
delete rules, variants, prices, images, and every refusal with its code."""

from __future__ import annotations

from typing import Any

import httpx

from rustok.api.app import RustokApp
from tests.modules.commerce.helpers import create_product, outbox, product_body, signed_in

Json = dict[str, Any]
PRODUCTS = "/api/commerce/products"


async def test_create_answers_with_the_full_product(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    category = await client.post("/api/commerce/categories", json={"name": "Shirts"}, headers=admin)
    assert category.status_code == 201 and category.json()["handle"] == "shirts"
    body = product_body(
        title="Ærøskøbing Shirt", status="draft", vendor="Acme",
        category_ids=[category.json()["id"]],
        images=[{"url": "https://cdn.example.com/a.jpg", "alt_text": "front"}],
    )  # fmt: skip
    body["translations"].append({"locale": "de", "title": "Hemd", "handle": "hemd"})
    body["variants"][0]["prices"].append(
        {"currency_code": "EUR", "amount": 2300, "compare_at_amount": 2900}
    )
    body["variants"][0]["weight_grams"] = 250
    response = await client.post(PRODUCTS, json=body, headers=admin)
    assert response.status_code == 201, response.text
    product = response.json()
    assert product["status"] == "draft" and product["vendor"] == "Acme"
    handles = {t["locale"]: t["handle"] for t in product["translations"]}
    assert handles == {"en": "aeroskobing-shirt", "de": "hemd"}
    assert product["options"] == [
        {"id": product["options"][0]["id"], "name": "Size", "position": 0, "values": ["S", "M"]}
    ]
    small = product["variants"][0]
    assert small["options"] == {"Size": "S"} and small["weight_grams"] == 250
    assert small["inventory_quantity"] == 10
    assert {(p["currency_code"], p["amount"], p["compare_at_amount"]) for p in small["prices"]} == {
        ("USD", 2500, None), ("EUR", 2300, 2900),
    }  # fmt: skip
    assert product["category_ids"] == [category.json()["id"]]
    assert product["images"][0]["url"] == "https://cdn.example.com/a.jpg"
    assert (await client.get(f"{PRODUCTS}/{product['id']}", headers=admin)).json() == product
    types = [e.event_type for e in await outbox(app, "product.", "variant.", "price.")]
    assert types.count("variant.created") == 2 and types[0] == "product.created"
    assert types.count("price.updated") == 3
    # The same title again gets the next free handle.
    again = await create_product(client, admin, title="Ærøskøbing Shirt")
    assert again["translations"][0]["handle"] == "aeroskobing-shirt-2"


async def test_refusals(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, title="Mug")
    sku = product["variants"][0]["sku"]

    def expect(response: httpx.Response, status: int, code: str) -> Json:
        assert (response.status_code, response.json()["code"]) == (status, code), response.text
        body: Json = response.json()
        return body

    duplicate_sku = product_body(title="Other")
    duplicate_sku["variants"][0]["sku"] = sku
    expect(await client.post(PRODUCTS, json=duplicate_sku, headers=admin), 409, "DUPLICATE_SKU")
    duplicate_handle = product_body(title="Other")
    duplicate_handle["translations"][0]["handle"] = "mug"
    expect(
        await client.post(PRODUCTS, json=duplicate_handle, headers=admin), 409, "DUPLICATE_HANDLE"
    )
    compare = product_body()
    compare["variants"][0]["prices"][0]["compare_at_amount"] = 1
    problem = expect(
        await client.post(PRODUCTS, json=compare, headers=admin), 400, "VALIDATION_ERROR"
    )
    assert "prices[0].compare_at_amount" in problem["errors"]
    negative = product_body()
    negative["variants"][0]["prices"][0]["amount"] = -1
    expect(await client.post(PRODUCTS, json=negative, headers=admin), 400, "VALIDATION_ERROR")
    lower = product_body()
    lower["variants"][0]["prices"][0]["currency_code"] = "usd"
    expect(await client.post(PRODUCTS, json=lower, headers=admin), 400, "VALIDATION_ERROR")
    no_variants = product_body()
    no_variants["variants"] = []
    expect(await client.post(PRODUCTS, json=no_variants, headers=admin), 400, "VALIDATION_ERROR")
    twins = product_body()
    twins["variants"][1]["options"] = {"Size": "S"}
    expect(await client.post(PRODUCTS, json=twins, headers=admin), 409, "DUPLICATE_VARIANT")
    missing_option = product_body()
    missing_option["variants"][0]["options"] = {}
    expect(await client.post(PRODUCTS, json=missing_option, headers=admin), 400, "VALIDATION_ERROR")
    unknown_category = product_body(category_ids=["00000000-0000-0000-0000-00000000000a"])
    expect(
        await client.post(PRODUCTS, json=unknown_category, headers=admin), 400, "VALIDATION_ERROR"
    )
    same_sku_twice = product_body()
    same_sku_twice["variants"][1]["sku"] = same_sku_twice["variants"][0]["sku"]
    expect(await client.post(PRODUCTS, json=same_sku_twice, headers=admin), 400, "VALIDATION_ERROR")
    extra = product_body()
    extra["surprise"] = 1
    expect(await client.post(PRODUCTS, json=extra, headers=admin), 400, "VALIDATION_ERROR")
    missing = "/api/commerce/products/00000000-0000-0000-0000-00000000000b"
    expect(await client.get(missing, headers=admin), 404, "NOT_FOUND")


async def test_lifecycle_and_delete_rules(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, status="draft")
    base = f"{PRODUCTS}/{product['id']}"
    unpublish = await client.post(f"{base}/unpublish", headers=admin)
    assert unpublish.status_code == 409 and unpublish.json()["code"] == "INVALID_TRANSITION"
    published = await client.post(f"{base}/publish", headers=admin)
    assert published.status_code == 200 and published.json()["status"] == "active"
    assert published.json()["published_at"] is not None
    refused = await client.delete(base, headers=admin)
    assert refused.status_code == 409 and refused.json()["code"] == "PRODUCT_ACTIVE"
    archived = await client.post(f"{base}/archive", headers=admin)
    assert archived.json()["status"] == "archived" and archived.json()["published_at"] is None
    assert (await client.post(f"{base}/publish", headers=admin)).status_code == 409
    restored = await client.post(f"{base}/unpublish", headers=admin)
    assert restored.json()["status"] == "draft"
    assert (await client.delete(base, headers=admin)).status_code == 204
    assert (await client.get(base, headers=admin)).status_code == 404
    types = [e.event_type for e in await outbox(app, "product.")]
    assert types[-4:] == [
        "product.published",
        "product.archived",
        "product.unpublished",
        "product.deleted",
    ]


async def test_update_variants_prices_and_images(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, title="Poster")
    base = f"{PRODUCTS}/{product['id']}"
    patched = await client.patch(
        base, json={"translations": [{"locale": "en", "title": "Big poster"}], "vendor": None},
        headers=admin,
    )  # fmt: skip
    assert patched.status_code == 200, patched.text
    assert patched.json()["translations"][0] == {
        "locale": "en", "title": "Big poster", "handle": "poster", "description": None,
        "meta_title": None, "meta_description": None,
    }  # fmt: skip
    variant = await client.post(
        f"{base}/variants",
        json={"sku": "POSTER-XL", "options": {"Size": "XL"}, "inventory_quantity": 4,
              "prices": [{"currency_code": "USD", "amount": 4000}]},
        headers=admin,
    )  # fmt: skip
    assert variant.status_code == 201, variant.text
    assert variant.json()["options"] == {"Size": "XL"} and variant.json()["position"] == 2
    options = (await client.get(base, headers=admin)).json()["options"][0]["values"]
    assert options == ["S", "M", "XL"]
    listed = await client.get(f"{base}/variants", headers=admin)
    assert [v["sku"] for v in listed.json()["items"]][-1] == "POSTER-XL"
    vid = variant.json()["id"]
    prices = await client.put(
        f"/api/commerce/variants/{vid}/prices",
        json=[{"currency_code": "USD", "amount": 3500, "compare_at_amount": 4000},
              {"currency_code": "EUR", "amount": 3300}],
        headers=admin,
    )  # fmt: skip
    assert prices.status_code == 200
    assert sorted((p["currency_code"], p["amount"]) for p in prices.json()["prices"]) == [
        ("EUR", 3300), ("USD", 3500),
    ]  # fmt: skip
    twice = await client.put(
        f"/api/commerce/variants/{vid}/prices",
        json=[{"currency_code": "USD", "amount": 1}, {"currency_code": "USD", "amount": 2}],
        headers=admin,
    )  # fmt: skip
    assert twice.status_code == 400
    renamed = await client.patch(
        f"/api/commerce/variants/{vid}", json={"sku": "POSTER-XXL", "barcode": "4006381333931"},
        headers=admin,
    )  # fmt: skip
    assert renamed.status_code == 200 and renamed.json()["sku"] == "POSTER-XXL"
    taken = await client.patch(
        f"/api/commerce/variants/{vid}", json={"sku": product["variants"][0]["sku"]}, headers=admin
    )
    assert taken.status_code == 409 and taken.json()["code"] == "DUPLICATE_SKU"
    clash = await client.patch(
        f"/api/commerce/variants/{vid}", json={"options": {"Size": "S"}}, headers=admin
    )
    assert clash.status_code == 409 and clash.json()["code"] == "DUPLICATE_VARIANT"
    image = await client.post(
        f"{base}/images", json={"url": "https://cdn.example.com/p.png"}, headers=admin
    )
    assert image.status_code == 201 and len(image.json()["images"]) == 1
    image_id = image.json()["images"][0]["id"]
    assert (await client.delete(f"{base}/images/{image_id}", headers=admin)).status_code == 204
    assert (await client.delete(f"{base}/images/{image_id}", headers=admin)).status_code == 404
    assert (await client.delete(f"/api/commerce/variants/{vid}", headers=admin)).status_code == 204
    first, second = product["variants"]
    assert (
        await client.delete(f"/api/commerce/variants/{first['id']}", headers=admin)
    ).status_code == 204
    last = await client.delete(f"/api/commerce/variants/{second['id']}", headers=admin)
    assert last.status_code == 409 and last.json()["code"] == "LAST_VARIANT"


async def test_admin_list_filters_and_pages(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    for title in ("Alpha mug", "Beta mug", "Gamma cup"):
        await create_product(client, admin, title=title, status="draft")
    await create_product(client, admin, title="Delta mug", status="active")
    page = (await client.get(PRODUCTS, params={"per_page": 2}, headers=admin)).json()
    assert (page["total"], len(page["items"]), page["page"]) == (4, 2, 1)
    assert page["items"][0]["translations"][0]["title"] == "Delta mug"  # newest first
    mugs = (await client.get(PRODUCTS, params={"q": "MUG"}, headers=admin)).json()
    assert mugs["total"] == 3
    active = (await client.get(PRODUCTS, params={"status": "active"}, headers=admin)).json()
    assert [p["translations"][0]["title"] for p in active["items"]] == ["Delta mug"]
    bad = await client.get(PRODUCTS, params={"status": "gone"}, headers=admin)
    assert bad.status_code == 400


async def test_admin_search_folds_every_script_and_takes_wildcards_literally(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    for title in ("Ελληνικό Φλιτζάνι", "Чайная ЧАШКА", "100% cotton", "Plain tee", "a_b cap"):
        await create_product(client, admin, title=title, status="draft")

    async def titles(q: str) -> list[str]:
        listed = await client.get(PRODUCTS, params={"q": q}, headers=admin)
        assert listed.status_code == 200, listed.text
        return sorted(p["translations"][0]["title"] for p in listed.json()["items"])

    assert await titles("φλιτζάνι") == ["Ελληνικό Φλιτζάνι"]
    assert await titles("ΕΛΛΗΝΙΚΌ") == ["Ελληνικό Φλιτζάνι"]
    assert await titles("чашка") == ["Чайная ЧАШКА"]
    # LIKE wildcards in the search text match themselves, not any character.
    assert await titles("%") == ["100% cotton"]
    assert await titles("_") == ["a_b cap"]
    assert await titles("\\") == []


async def test_only_those_who_may_change_products_see_drafts(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    customer = await signed_in(client, app, "customer")
    active = await create_product(client, admin, title="On sale", variants=1)
    draft = await create_product(client, admin, title="Secret", status="draft", variants=1)
    listed = (await client.get(PRODUCTS, headers=customer)).json()
    titles = [p["translations"][0]["title"] for p in listed["items"]]
    assert titles == ["On sale"] and listed["total"] == 1
    asked = (await client.get(PRODUCTS, params={"status": "draft"}, headers=customer)).json()
    assert (asked["items"], asked["total"]) == ([], 0)
    hidden = (
        f"{PRODUCTS}/{draft['id']}",
        f"{PRODUCTS}/{draft['id']}/variants",
        f"/api/commerce/variants/{draft['variants'][0]['id']}",
    )
    for path in hidden:
        response = await client.get(path, headers=customer)
        assert response.status_code == 404 and response.json()["code"] == "NOT_FOUND", path
        assert (await client.get(path, headers=admin)).status_code == 200, path
    assert (await client.get(f"{PRODUCTS}/{active['id']}", headers=customer)).status_code == 200
    every = (await client.get(PRODUCTS, headers=admin)).json()
    assert sorted(p["translations"][0]["title"] for p in every["items"]) == ["On sale", "Secret"]
    query = "{ products(first: 10) { totalCount edges { node { title } } } }"
    seen = await client.post("/api/graphql", json={"query": query}, headers=customer)
    assert seen.json()["data"]["products"]["totalCount"] == 1
    one = await client.post(
        "/api/graphql", json={"query": f'{{ product(id: "{draft["id"]}") {{ status }} }}'},
        headers=customer,
    )  # fmt: skip
    assert one.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    drafts = await client.post(
        "/api/graphql", json={"query": '{ products(first: 5, status: "draft") { totalCount } }'},
        headers=customer,
    )  # fmt: skip
    assert drafts.json()["data"]["products"]["totalCount"] == 0
