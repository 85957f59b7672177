"""Whole GraphQL answers of storefront fields from the answer cache (issue 13): the second
identical query is not executed, a read-model commit retires the answer, and only queries of
read-model fields, without errors, are kept — per tenant."""

from __future__ import annotations

from typing import Any

import httpx
from prometheus_client import REGISTRY

from rustok.api.app import RustokApp
from rustok.api.graphql import build_schema
from rustok.core.context import DEFAULT_TENANT_ID, TenantRef
from rustok.modules.index.cached_fields import STOREFRONT_FIELDS
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import tenant_ref
from tests.conftest import outbox_settled
from tests.modules.index.support import count_statements, product, write

GQL = "/api/graphql"
LIST = "{ storeProducts(first: 5) { edges { node { title handle } } } }"


def executions() -> float:
    """GraphQL operations executed so far (a cached answer is not an execution)."""
    return sum(
        sample.value
        for family in REGISTRY.collect()
        if family.name == "rustok_graphql_operations"
        for sample in family.samples
        if sample.name == "rustok_graphql_operations_total"
    )


async def _tenant(app: RustokApp) -> TenantRef:
    tenant = await app.tenancy.directory.by_id(DEFAULT_TENANT_ID)
    assert tenant is not None
    return tenant


async def _post(client: httpx.AsyncClient, query: str, **headers: str) -> httpx.Response:
    response = await client.post(GQL, json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    return response


def _titles(response: httpx.Response) -> list[str]:
    data: dict[str, Any] = response.json()["data"]
    return [edge["node"]["title"] for edge in data["storeProducts"]["edges"]]


async def test_a_repeated_storefront_query_is_answered_without_execution(
    app: RustokApp, client: httpx.AsyncClient
) -> None:
    tenant = await _tenant(app)
    await write(app.platform, tenant, *(product(f"Thing {n}", n) for n in range(3)))
    await outbox_settled(app.platform)
    before = executions()
    first = await _post(client, LIST)
    with count_statements(app.platform) as counted:
        again = await _post(client, LIST)
    assert counted.counts == (0, 0)
    assert again.content == first.content
    assert executions() - before == 1
    assert _titles(first) == ["Thing 2", "Thing 1", "Thing 0"]
    # A read-model commit of the tenant: the next answer is executed, and current.
    await write(app.platform, tenant, product("Thing 0 renamed", 0))
    fresh = await _post(client, LIST)
    assert "Thing 0 renamed" in _titles(fresh)
    assert executions() - before == 2
    # Over GET the same.
    got = await client.get(GQL, params={"query": LIST})
    assert got.content == fresh.content
    again_got = await client.get(GQL, params={"query": LIST})
    assert again_got.content == fresh.content
    assert executions() - before == 3


async def test_queries_with_other_fields_or_errors_are_executed_every_time(
    app: RustokApp, client: httpx.AsyncClient
) -> None:
    tenant = await _tenant(app)
    await write(app.platform, tenant, product("Lamp", 1))
    mixed = "{ currentTenant { slug } storeProducts(first: 1) { edges { node { title } } } }"
    spread = "{ ...F } fragment F on Query { storeProducts(first: 1) { edges { node { title } } } }"
    failing = "{ storeProducts(first: 0) { edges { node { title } } } }"
    for query in (mixed, spread, failing):
        before = executions()
        answers = [(await _post(client, query)).json()["data"] for _ in range(2)]
        assert answers[0] == answers[1]
        assert executions() - before == 2, query
    assert "errors" in (await _post(client, failing)).json()


async def test_the_same_query_answers_each_tenant_its_own(
    app: RustokApp, client: httpx.AsyncClient
) -> None:
    default = await _tenant(app)
    shop = tenant_ref(await app.tenancy.tenants().create(TenantCreate(slug="shop", name="Shop")))
    shop = await app.tenancy.directory.by_id(shop.id) or shop
    await write(app.platform, default, product("Default lamp", 1))
    await write(app.platform, shop, product("Shop lamp", 1, product_id=shop.id))
    for _ in range(2):  # executed, then cached: the same per tenant
        assert _titles(await _post(client, LIST)) == ["Default lamp"]
        assert _titles(await _post(client, LIST, **{"X-Tenant-ID": "shop"})) == ["Shop lamp"]


def test_the_declared_fields_are_storefront_root_fields(app: RustokApp) -> None:
    query_type = build_schema(app.platform)._schema.query_type
    assert query_type is not None
    assert set(STOREFRONT_FIELDS) <= set(query_type.fields)
    assert all(name.startswith("store") for name in STOREFRONT_FIELDS)
