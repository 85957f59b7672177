"""The commerce regions-and-shipping screen: both lists, adding and deleting a region and a
shipping method through ``RegionService`` with the REST routes' ``settings:*``
permissions; bad input is said under its field."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from tests.admin.helpers import csrf_of
from tests.admin.platform_helpers import staff
from tests.conftest import count_queries, make_settings
from tests.modules.commerce.helpers import signed_in

PATH = "/admin/commerce/regions"
REGION_DELETE_RE = re.compile(r'action="/admin/commerce/regions/([0-9a-f-]{36})/delete"')
METHOD_DELETE_RE = re.compile(
    r'action="/admin/commerce/regions/shipping-methods/([0-9a-f-]{36})/delete"'
)
# The session check, the regions and the methods: measured 3 on SQLite and PostgreSQL.
BUDGET = 3


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _post(client: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    token = csrf_of((await client.get(PATH)).text)
    return await client.post(path, data={"_csrf": token, **fields})


async def test_add_and_delete_regions_and_methods_through_the_service(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    empty = await client.get(PATH)
    assert empty.status_code == 200 and "No regions yet." in empty.text
    assert "No shipping methods yet." in empty.text
    added = await _post(
        client, PATH, name="EU", currency_code="eur", tax_rate_bps="2000", countries="de, fr"
    )
    assert added.status_code == 303 and added.headers["location"] == PATH
    api = await signed_in(client, app, "admin")
    [region] = (await client.get("/api/commerce/regions", headers=api)).json()["items"]
    assert region["currency_code"] == "EUR" and region["countries"] == ["DE", "FR"]
    assert region["tax_rate_bps"] == 2000
    method = await _post(
        client, f"{PATH}/shipping-methods", method_name="Post", method_currency="EUR",
        method_amount="4.90", method_region=region["id"],
    )  # fmt: skip
    assert method.status_code == 303
    [read] = (await client.get("/api/commerce/shipping-methods", headers=api)).json()["items"]
    assert read["amount"] == 490 and read["region_id"] == region["id"]
    listed = await client.get(PATH)
    assert "Shipping method added." in listed.text and "DE FR" in listed.text
    [method_id] = METHOD_DELETE_RE.findall(listed.text)
    token = csrf_of(listed.text)
    gone = await client.post(f"{PATH}/shipping-methods/{method_id}/delete", data={"_csrf": token})
    assert gone.status_code == 303
    assert (await client.get("/api/commerce/shipping-methods", headers=api)).json()["items"] == []
    [region_id] = REGION_DELETE_RE.findall((await client.get(PATH)).text)
    deleted = await client.post(f"{PATH}/{region_id}/delete", data={"_csrf": token})
    assert deleted.status_code == 303 and "Region deleted." in (await client.get(PATH)).text
    assert (await client.get("/api/commerce/regions", headers=api)).json()["items"] == []
    missing = await client.post(f"{PATH}/{region_id}/delete", data={"_csrf": token})
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("path", "fields", "field"),
    [
        ("", {"name": "", "currency_code": "EUR"}, "name"),
        ("", {"name": "EU", "currency_code": "EURO"}, "currency_code"),
        ("", {"name": "EU", "currency_code": "EUR", "tax_rate_bps": "20001"}, "tax_rate_bps"),
        ("", {"name": "EU", "currency_code": "EUR", "countries": "DE XYZ"}, "countries"),
        ("/shipping-methods", {"method_name": "Post", "method_currency": "EUR",
                               "method_amount": "4.999"}, "method_amount"),
        ("/shipping-methods", {"method_name": "Post", "method_currency": "EUR",
                               "method_amount": "lots"}, "method_amount"),
        ("/shipping-methods", {"method_name": "", "method_currency": "EUR",
                               "method_amount": "1"}, "method_name"),
    ],
)  # fmt: skip
async def test_bad_input_is_said_under_its_field(
    client: httpx.AsyncClient, app: RustokApp, path: str, fields: dict[str, str], field: str
) -> None:
    await staff(client, app, "admin")
    refused = await _post(client, PATH + path, **fields)
    assert refused.status_code == 400, refused.text
    assert f'id="{field}-error"' in refused.text and "No regions yet." in refused.text


async def test_a_method_in_another_currency_than_its_region_is_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    assert (await _post(client, PATH, name="EU", currency_code="EUR")).status_code == 303
    [region_id] = re.findall(r'<option value="([0-9a-f-]{36})"', (await client.get(PATH)).text)
    refused = await _post(
        client, f"{PATH}/shipping-methods", method_name="Post", method_currency="USD",
        method_amount="5", method_region=region_id,
    )  # fmt: skip
    assert refused.status_code == 400 and 'id="method_currency-error"' in refused.text
    assert "must be the region&#39;s currency" in refused.text


async def test_a_manager_is_refused_and_a_post_without_csrf_is_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    assert (await client.post(PATH, data={"name": "EU", "currency_code": "EUR"})).status_code == 403
    await staff(client, app, "manager")  # no settings:* grants
    token = csrf_of((await client.get("/admin")).text)
    assert (await client.get(PATH)).status_code == 403
    refused = await client.post(PATH, data={"_csrf": token, "name": "EU", "currency_code": "EUR"})
    assert refused.status_code == 403
    api = await signed_in(client, app, "admin")
    assert (await client.get("/api/commerce/regions", headers=api)).json()["items"] == []


async def test_a_page_of_50_regions_and_methods_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    for n in range(50):
        region_body = {"name": f"R{n:02}", "currency_code": "EUR", "countries": ["DE"]}
        region = await client.post("/api/commerce/regions", json=region_body, headers=api)
        assert region.status_code == 201
        body = {"name": f"M{n:02}", "currency_code": "EUR", "amount": 100 + n,
                "region_id": region.json()["id"]}  # fmt: skip
        assert (
            await client.post("/api/commerce/shipping-methods", json=body, headers=api)
        ).status_code == 201
    await staff(client, app, "admin")
    assert (await client.get(PATH)).status_code == 200
    with count_queries(app.platform.db) as counter:
        listed = await client.get(PATH)
    assert len(REGION_DELETE_RE.findall(listed.text)) == 50
    assert len(METHOD_DELETE_RE.findall(listed.text)) == 50
    assert counter.count <= BUDGET, counter.statements
