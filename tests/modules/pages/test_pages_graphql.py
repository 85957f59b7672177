"""Pages and menus over GraphQL with typed inputs (API-2): a block is a ``@oneOf`` input per
block type; the same 15 types, the same validation and errors as the REST bodies."""

from __future__ import annotations

from typing import Any

import httpx

from rustok.core.platform import Platform
from tests.modules.helpers import error_code, gql, login_as
from tests.modules.pages.test_pages import INVALID, VALID, page_body

CREATE = """mutation($i: PageCreateInput!) { createPage(input: $i) {
  id title metaTitle blocks } }"""
UPDATE = """mutation($id: ID!, $i: PageUpdateInput!) { updatePage(id: $id, input: $i) {
  title blocks } }"""


def camel(value: Any) -> Any:
    """REST names as GraphQL names, recursively."""
    if isinstance(value, list):
        return [camel(v) for v in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        head, *rest = key.split("_")
        result[head + "".join(p.title() for p in rest)] = camel(item)
    return result


def block_input(block: dict[str, Any]) -> dict[str, Any]:
    """A REST block (tagged by ``type``) as the ``PageBlockInput`` naming its type."""
    fields = {k: v for k, v in block.items() if k != "type"}
    return {camel({block["type"]: None}).popitem()[0]: camel(fields)}


def page_input(title: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    body = page_body(title, [])
    translation = camel(body["translations"][0])
    translation["blocks"] = [block_input(b) for b in blocks]
    return {"translations": [translation]}


async def test_every_block_type_over_graphql(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    made = await gql(client, CREATE, admin, i=page_input("Typed", VALID))
    assert "errors" not in made, made
    page = made["data"]["createPage"]
    rest = await client.post("/api/pages", json=page_body("Typed twin", VALID), headers=admin)
    assert page["blocks"] == rest.json()["blocks"]  # the same blocks, defaults and all
    assert (page["title"], page["metaTitle"]) == ("Typed", "Typed!")
    # A bad block is refused as over REST; one missing a required field, with a float price
    # or of an unknown type cannot even be written as a typed input: GraphQL refuses it
    # before the resolver runs.
    by_graphql = {"cta", "testimonials", "pricing", "newsletter", "carousel"}
    for block in INVALID:
        if block["type"] == "carousel":
            continue  # no such member of PageBlockInput: a query that cannot be written
        broken = await gql(client, CREATE, admin, i=page_input("x", [VALID[0], block]))
        expected = (
            "GRAPHQL_VALIDATION_FAILED" if block["type"] in by_graphql else "VALIDATION_ERROR"
        )
        assert error_code(broken) == expected, block
    two = {"text": {"content": "a"}, "spacer": {"height": 5}}
    both = await gql(client, CREATE, admin, i={"translations": [
        {"locale": "en", "title": "x", "blocks": [two]}]})  # fmt: skip
    assert error_code(both) == "GRAPHQL_VALIDATION_FAILED"
    changed = await gql(
        client, UPDATE, admin, id=page["id"],
        i={"translations": [{"locale": "en", "blocks": [{"spacer": {"height": 12}}]}]},
    )  # fmt: skip
    assert changed["data"]["updatePage"] == {
        "title": "Typed", "blocks": [{"type": "spacer", "height": 12}],
    }  # fmt: skip
    null_blocks = await gql(
        client, UPDATE, admin, id=page["id"], i={"translations": [{"locale": "en", "blocks": None}]}
    )
    assert error_code(null_blocks) == "VALIDATION_ERROR"
    customer = await login_as(client, platform, "customer")
    denied = await gql(client, CREATE, customer, i=page_input("x", []))
    assert error_code(denied) == "FORBIDDEN"


MENU = """mutation($i: MenuCreateInput!) { createMenu(input: $i) {
  id location items { label labels url children { label url } } } }"""


async def test_menus_over_graphql(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    items = [{
        "labels": [{"locale": "en", "label": "Shop"}, {"locale": "de", "label": "Laden"}],
        "url": "/shop",
        "children": [{"labels": [{"locale": "en", "label": "Shoes"}], "url": "/shop/shoes"}],
    }]  # fmt: skip
    made = await gql(client, MENU, admin, i={"name": "Main", "location": "header", "items": items})
    menu = made["data"]["createMenu"]
    assert menu["items"] == [{
        "label": "Shop", "labels": {"de": "Laden", "en": "Shop"}, "url": "/shop",
        "children": [{"label": "Shoes", "url": "/shop/shoes"}],
    }]  # fmt: skip
    both = [{"labels": [{"locale": "en", "label": "X"}], "url": "/x", "pageId": menu["id"]}]
    refused = await gql(client, MENU, admin, i={"name": "F", "location": "footer", "items": both})
    rest = await client.post("/api/pages/menus", headers=admin, json={
        "name": "F", "location": "footer",
        "items": [{"labels": {"en": "X"}, "url": "/x", "page_id": menu["id"]}],
    })  # fmt: skip
    assert error_code(refused) == rest.json()["code"] == "VALIDATION_ERROR"
    twice = [{"labels": [{"locale": "en", "label": "A"}, {"locale": "en", "label": "B"}],
              "url": "/a"}]  # fmt: skip
    dup = await gql(client, MENU, admin, i={"name": "D", "location": "footer", "items": twice})
    assert error_code(dup) == "VALIDATION_ERROR"
    update = """mutation($id: ID!, $i: MenuUpdateInput!) { updateMenu(id: $id, input: $i) {
      name items { label } } }"""
    renamed = await gql(client, update, admin, id=menu["id"], i={"name": "Top"})
    assert renamed["data"]["updateMenu"] == {"name": "Top", "items": [{"label": "Shop"}]}
    emptied = await gql(client, update, admin, id=menu["id"], i={"items": []})
    assert emptied["data"]["updateMenu"]["items"] == []
