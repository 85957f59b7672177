"""GraphQL twins of the catalogue's admin REST operations (API-2): categories, collections,
price lists, variants, images, stock locations, discounts — same values, same error codes."""

from __future__ import annotations

import httpx

from rustok.api.app import RustokApp
from tests.modules.commerce.helpers import create_product, signed_in
from tests.modules.commerce.test_graphql import code, gql, gql_input

C = "/api/commerce"
CATEGORY = """mutation($i: CommerceCategoryCreateInput!) {
  createCommerceCategory(input: $i) { id handle name parentId } }"""
UPDATE_CATEGORY = """mutation($id: ID!, $i: CommerceCategoryUpdateInput!) {
  updateCommerceCategory(id: $id, input: $i) { name description parentId } }"""


async def test_categories_and_collections(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    root = (await gql(client, CATEGORY, admin, i={"name": "Home"}))["data"]
    root_id = root["createCommerceCategory"]["id"]
    child = await gql(client, CATEGORY, admin, i={"name": "Kitchen", "parentId": root_id})
    kitchen = child["data"]["createCommerceCategory"]
    assert (kitchen["handle"], kitchen["parentId"]) == ("kitchen", root_id)
    cycle = await gql(client, UPDATE_CATEGORY, admin, id=root_id, i={"parentId": kitchen["id"]})
    assert code(cycle) == "VALIDATION_ERROR"
    assert "parent_id" in cycle["errors"][0]["extensions"]["errors"]
    same = await gql(client, CATEGORY, admin, i={"name": "home"})
    rest = await client.post(f"{C}/categories", json={"name": "home"}, headers=admin)
    assert code(same) == rest.json()["code"] == "DUPLICATE_HANDLE"
    described = await gql(
        client, UPDATE_CATEGORY, admin, id=kitchen["id"], i={"description": "Pots"}
    )
    assert described["data"]["updateCommerceCategory"] == {
        "name": "Kitchen", "description": "Pots", "parentId": root_id,
    }  # fmt: skip
    null_name = await gql(client, UPDATE_CATEGORY, admin, id=kitchen["id"], i={"name": None})
    assert code(null_name) == "VALIDATION_ERROR"  # as the REST PATCH refuses a null name
    drop = "mutation($id: ID!) { deleteCommerceCategory(id: $id) }"
    assert (await gql(client, drop, admin, id=kitchen["id"]))["data"] == {
        "deleteCommerceCategory": True
    }
    one = "query($id: ID!) { commerceCategory(id: $id) { name } }"
    assert code(await gql(client, one, admin, id=kitchen["id"])) == "NOT_FOUND"
    listed = await gql(client, "{ commerceCategories { totalCount items { name } } }", admin)
    assert listed["data"]["commerceCategories"] == {"totalCount": 1, "items": [{"name": "Home"}]}
    collection = await gql(
        client,
        'mutation { createCommerceCollection(input: {title: "Summer Sale"}) { id handle } }',
        admin,
    )
    made = collection["data"]["createCommerceCollection"]
    assert made["handle"] == "summer-sale"
    renamed = await gql(
        client,
        'mutation($id: ID!) { updateCommerceCollection(id: $id, input: {title: "Winter"}) '
        "{ title handle } }",
        admin, id=made["id"],
    )  # fmt: skip
    assert renamed["data"]["updateCommerceCollection"] == {
        "title": "Winter",
        "handle": "summer-sale",
    }
    got = await gql(
        client, "query($id: ID!) { commerceCollection(id: $id) { title } }", admin, id=made["id"]
    )
    assert got["data"] == {"commerceCollection": {"title": "Winter"}}
    all_collections = await gql(
        client, "{ commerceCollections(perPage: 101) { totalCount } }", admin
    )
    assert code(all_collections) == "VALIDATION_ERROR"
    customer = await signed_in(client, app, "customer")
    denied = await gql(client, CATEGORY, customer, i={"name": "Nope"})
    assert code(denied) == "FORBIDDEN"


PRICE_LIST = """mutation($i: PriceListCreateInput!) {
  createPriceList(input: $i) { id name status prices { amount } } }"""
SET_PRICES = """mutation($id: ID!, $p: [PriceListPriceInput!]!) {
  setPriceListPrices(id: $id, prices: $p) { prices { variantId currencyCode amount minQuantity } } }"""


async def test_price_lists(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    variant = (await create_product(client, admin, variants=1))["variants"][0]["id"]
    made = await gql(client, PRICE_LIST, admin, i={"name": "Wholesale", "status": "draft"})
    price_list = made["data"]["createPriceList"]
    assert (price_list["status"], price_list["prices"]) == ("draft", [])
    bad_status = await gql(client, PRICE_LIST, admin, i={"name": "X", "status": "live"})
    assert code(bad_status) == "VALIDATION_ERROR"
    prices = [
        {"variantId": variant, "currencyCode": "USD", "amount": 2000, "minQuantity": 10},
        {"variantId": variant, "currencyCode": "USD", "amount": 2200},
    ]
    set_ = await gql(client, SET_PRICES, admin, id=price_list["id"], p=prices)
    assert sorted(
        (p["minQuantity"], p["amount"]) for p in set_["data"]["setPriceListPrices"]["prices"]
    ) == [(1, 2200), (10, 2000)]
    twice = await gql(client, SET_PRICES, admin, id=price_list["id"], p=[prices[1], prices[1]])
    rest = await client.put(
        f"{C}/price-lists/{price_list['id']}/prices",
        json=[{"variant_id": variant, "currency_code": "USD", "amount": 1}] * 2, headers=admin,
    )  # fmt: skip
    assert code(twice) == rest.json()["code"] == "VALIDATION_ERROR"
    listed = await gql(
        client, "{ priceLists { totalCount items { name prices { amount } } } }", admin
    )
    assert listed["data"]["priceLists"]["totalCount"] == 1
    assert len(listed["data"]["priceLists"]["items"][0]["prices"]) == 2
    drop = "mutation($id: ID!) { deletePriceList(id: $id) }"
    assert (await gql(client, drop, admin, id=price_list["id"]))["data"] == {
        "deletePriceList": True
    }
    gone = await gql(
        client, "query($id: ID!) { priceList(id: $id) { id } }", admin, id=price_list["id"]
    )
    assert code(gone) == "NOT_FOUND"


VARIANT = """mutation($p: ID!, $i: VariantCreateInput!) {
  createVariant(productId: $p, input: $i) { id sku options { name value } prices { amount }
    inventoryQuantity } }"""


async def test_variants_and_images(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, status="draft")
    new = {
        "sku": "TEE-XL", "title": "XL", "options": {"Size": "XL"},
        "prices": [{"currency_code": "USD", "amount": 3100}], "inventory_quantity": 3,
    }  # fmt: skip
    created = await gql(client, VARIANT, admin, p=product["id"], i=gql_input(new))
    variant = created["data"]["createVariant"]
    assert variant["options"] == [{"name": "Size", "value": "XL"}]
    assert (variant["prices"], variant["inventoryQuantity"]) == ([{"amount": 3100}], 3)
    duplicate = await gql(client, VARIANT, admin, p=product["id"], i=gql_input(new))
    rest = await client.post(f"{C}/products/{product['id']}/variants", json=new, headers=admin)
    assert code(duplicate) == rest.json()["code"]
    update = """mutation($id: ID!, $i: VariantUpdateInput!) {
      updateVariant(id: $id, input: $i) { sku barcode } }"""
    changed = await gql(client, update, admin, id=variant["id"], i={"barcode": "123"})
    assert changed["data"]["updateVariant"] == {"sku": "TEE-XL", "barcode": "123"}
    bad_policy = await gql(client, update, admin, id=variant["id"], i={"inventoryPolicy": "maybe"})
    assert code(bad_policy) == "VALIDATION_ERROR"
    read = "query($id: ID!) { variant(id: $id) { sku productId } }"
    got = await gql(client, read, admin, id=variant["id"])
    assert got["data"]["variant"] == {"sku": "TEE-XL", "productId": product["id"]}
    customer = await signed_in(client, app, "customer")
    hidden = await gql(client, read, customer, id=variant["id"])  # a draft product's variant
    rest_hidden = await client.get(f"{C}/variants/{variant['id']}", headers=customer)
    assert code(hidden) == rest_hidden.json()["code"] == "NOT_FOUND"
    drop = "mutation($id: ID!) { deleteVariant(id: $id) }"
    assert (await gql(client, drop, admin, id=variant["id"]))["data"] == {"deleteVariant": True}
    last = await gql(client, drop, admin, id=product["variants"][0]["id"])
    rest_last = await client.delete(f"{C}/variants/{product['variants'][0]['id']}", headers=admin)
    assert code(last) == rest_last.json()["code"]  # the last variant stays
    image = """mutation($p: ID!, $i: ProductImageInput!) {
      addProductImage(productId: $p, input: $i) { images { id url altText } } }"""
    url = "https://cdn.example.com/tee.png"
    added = await gql(client, image, admin, p=product["id"], i={"url": url, "altText": "Tee"})
    [shown] = added["data"]["addProductImage"]["images"]
    assert (shown["url"], shown["altText"]) == (url, "Tee")
    bad_url = await gql(client, image, admin, p=product["id"], i={"url": "javascript:x"})
    assert code(bad_url) == "VALIDATION_ERROR"
    remove = """mutation($p: ID!, $i: ID!) {
      removeProductImage(productId: $p, imageId: $i) { images { id } } }"""
    removed = await gql(client, remove, admin, p=product["id"], i=shown["id"])
    assert removed["data"]["removeProductImage"]["images"] == []
    assert code(await gql(client, remove, admin, p=product["id"], i=shown["id"])) == "NOT_FOUND"


async def test_stock_locations_and_discounts(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    location = """mutation($i: StockLocationCreateInput!) {
      createStockLocation(input: $i) { code name isDefault address { city countryCode } } }"""
    address = {"firstName": "W", "lastName": "H", "address1": "1 Dock Rd", "city": "Leeds",
               "postalCode": "LS1", "countryCode": "GB"}  # fmt: skip
    made = await gql(
        client, location, admin, i={"code": "leeds", "name": "Leeds", "address": address}
    )
    assert made["data"]["createStockLocation"] == {
        "code": "leeds", "name": "Leeds", "isDefault": False,
        "address": {"city": "Leeds", "countryCode": "GB"},
    }  # fmt: skip
    reserved = await gql(client, location, admin, i={"code": "default", "name": "Again"})
    rest = await client.post(
        f"{C}/stock-locations", json={"code": "default", "name": "Again"}, headers=admin
    )
    assert code(reserved) == rest.json()["code"]
    listed = await gql(client, "{ stockLocations { code isDefault } }", admin)
    assert listed["data"]["stockLocations"][0]["isDefault"] is True
    assert {x["code"] for x in listed["data"]["stockLocations"]} == {"default", "leeds"}
    created = await gql(
        client,
        'mutation { createDiscount(input: {code: "TEN", kind: "percentage", value: 10}) { id } }',
        admin,
    )
    discount = created["data"]["createDiscount"]["id"]
    update = """mutation($id: ID!, $i: DiscountUpdateInput!) {
      updateDiscount(id: $id, input: $i) { isActive usageLimit minSubtotal } }"""
    changed = await gql(client, update, admin, id=discount, i={"isActive": False, "usageLimit": 5})
    assert changed["data"]["updateDiscount"] == {
        "isActive": False,
        "usageLimit": 5,
        "minSubtotal": None,
    }
    bad = await gql(client, update, admin, id=discount, i={"usageLimit": 0})
    rest_bad = await client.patch(
        f"{C}/discounts/{discount}", json={"usage_limit": 0}, headers=admin
    )
    assert code(bad) == rest_bad.json()["code"] == "VALIDATION_ERROR"
    got = await gql(
        client, "query($id: ID!) { discount(id: $id) { code usageLimit } }", admin, id=discount
    )
    assert got["data"] == {"discount": {"code": "TEN", "usageLimit": 5}}
    drop = "mutation($id: ID!) { deleteDiscount(id: $id) }"
    assert (await gql(client, drop, admin, id=discount))["data"] == {"deleteDiscount": True}
    assert code(await gql(client, drop, admin, id=discount)) == "NOT_FOUND"
