"""A tenant that disabled commerce (and the index over it) gets NOT_FOUND from their GraphQL
fields, as their REST routes answer 404 (T-6): the platform adds the module check to every
field a module contributes, as ``create_app`` adds the guard to every module route."""

from __future__ import annotations

import httpx
from strawberry.types.base import get_object_definition

from rustok.api.app import RustokApp
from rustok.api.graphql import build_schema, graphql_roots
from tests.modules.commerce.helpers import signed_in
from tests.modules.commerce.test_graphql import code, gql


async def test_disabled_modules_hide_their_graphql_fields(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    root = await signed_in(client, app, "super_admin")
    before = await gql(client, '{ storeShippingMethods(currency: "USD") { id } }')
    assert before["data"] == {"storeShippingMethods": []}
    for slug in ("index", "commerce"):
        off = await client.put(f"/api/modules/{slug}", json={"enabled": False}, headers=root)
        assert off.status_code == 200, off.text
    rest = await client.get("/api/store/shipping-methods", params={"currency": "USD"})
    assert rest.status_code == 404
    shipping = await gql(client, '{ storeShippingMethods(currency: "USD") { id } }')
    assert code(shipping) == "NOT_FOUND"
    assert code(await gql(client, "{ products { totalCount } }", admin)) == "NOT_FOUND"
    assert code(await gql(client, "mutation { createCart { id } }")) == "NOT_FOUND"
    store = await gql(client, "{ storeProducts(first: 1) { edges { cursor } } }")
    assert code(store) == "NOT_FOUND"  # the index module's field
    assert "errors" not in await gql(client, "{ health currentTenant { slug } }")


def test_every_module_field_checks_its_module(app: RustokApp) -> None:
    schema = build_schema(app.platform)
    for module in app.platform.modules:
        for kind in graphql_roots(module):
            if kind is None:
                continue
            for field in get_object_definition(kind, strict=True).fields:
                names = [p.__name__ for p in field.permission_classes]
                assert f"ModuleEnabled[{module.slug}]" in names, (module.slug, field.name)
    assert schema.get_type_by_name("Query") is not None
