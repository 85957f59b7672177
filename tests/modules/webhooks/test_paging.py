"""The webhooks' lists page with the web kit's bounds, on REST and GraphQL alike: endpoints
as every list of things (``page`` up to 100,000), the delivery log as the other logs (up to
1,000,000); ``per_page`` 1..100. Beyond a bound is a validation error naming the argument."""

from __future__ import annotations

import httpx
import pytest

from rustok.api.app import RustokApp
from tests.modules.commerce.helpers import signed_in
from tests.modules.helpers import gql
from tests.modules.webhooks.helpers import create_webhook

ENDPOINTS = "query($page: Int!, $perPage: Int!) { webhooks(page: $page, perPage: $perPage) { id } }"
DELIVERIES = """query($id: ID!, $page: Int!, $perPage: Int!) {
    webhookDeliveries(webhookId: $id, page: $page, perPage: $perPage) { total items { id } }
}"""


async def test_rest_lists_bound_their_pages(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    hook = await create_webhook(client, admin, "https://hooks.example.com/in")
    log = f"/api/admin/webhooks/{hook['id']}/deliveries"
    for path, last in (("/api/admin/webhooks", 100_000), (log, 1_000_000)):
        found = await client.get(path, params={"page": last}, headers=admin)
        assert found.status_code == 200, found.text
        assert found.json()["items"] == [] and found.json()["page"] == last
        beyond = await client.get(path, params={"page": last + 1}, headers=admin)
        assert beyond.status_code == 400 and beyond.json()["code"] == "VALIDATION_ERROR"
        too_many = await client.get(path, params={"per_page": 101}, headers=admin)
        assert too_many.status_code == 400, too_many.text


@pytest.mark.parametrize(
    ("query", "last"), [(ENDPOINTS, 100_000), (DELIVERIES, 1_000_000)], ids=["endpoints", "log"]
)
async def test_graphql_lists_bound_their_pages(
    client: httpx.AsyncClient, app: RustokApp, query: str, last: int
) -> None:
    admin = await signed_in(client, app, "admin")
    hook = await create_webhook(client, admin, "https://hooks.example.com/in")
    found = await gql(client, query, admin, id=hook["id"], page=last, perPage=20)
    assert "errors" not in found, found
    for page, per_page, field in ((last + 1, 20, "page"), (0, 20, "page"), (1, 101, "per_page")):
        refused = await gql(client, query, admin, id=hook["id"], page=page, perPage=per_page)
        [error] = refused["errors"]
        assert error["extensions"]["code"] == "VALIDATION_ERROR", refused
        assert list(error["extensions"]["errors"]) == [field], refused
