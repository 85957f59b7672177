"""The commerce discounts screen: the list, adding a code, its edit form with a stale-form
check and deleting it, through ``DiscountService`` with the REST routes' ``discounts:*``
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

PATH = "/admin/commerce/discounts"
ROW_RE = re.compile(r'href="/admin/commerce/discounts/([0-9a-f-]{36})"')
VERSION_RE = re.compile(r'name="version" value="([^"]+)"')
# The session check, the count and the page: measured 3 on SQLite and PostgreSQL.
BUDGET = 3


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


def _form(**fields: str) -> dict[str, str]:
    return {"code": "spring10", "kind": "percentage", "value": "10", "currency_code": "",
            "min_subtotal": "", "usage_limit": "", "starts_at": "", "ends_at": "",
            "is_active": "true", **fields}  # fmt: skip


async def _create(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    token = csrf_of((await client.get(PATH)).text)
    return await client.post(PATH, data={"_csrf": token, **_form(**fields)})


async def test_add_edit_and_delete_a_code_through_the_service(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    empty = await client.get(PATH)
    assert empty.status_code == 200 and "No discount codes yet." in empty.text
    added = await _create(
        client, code="flat5", kind="fixed", value="5.00", currency_code="eur",
        min_subtotal="50", usage_limit="100", starts_at="2026-01-01T00:00",
    )  # fmt: skip
    assert added.status_code == 303, re.findall(r"error[^<]*<", added.text)
    assert added.headers["location"] == PATH
    api = await signed_in(client, app, "admin")
    [read] = (await client.get("/api/commerce/discounts", headers=api)).json()["items"]
    assert read["code"] == "FLAT5" and read["value"] == 500 and read["currency_code"] == "EUR"
    assert read["min_subtotal"] == 5000 and read["usage_limit"] == 100
    assert read["starts_at"].startswith("2026-01-01T00:00:00")
    listed = await client.get(PATH)
    assert "Discount code added." in listed.text and "FLAT5" in listed.text
    [discount_id] = ROW_RE.findall(listed.text)
    form = await client.get(f"{PATH}/{discount_id}")
    assert 'value="50.00"' in form.text and 'value="2026-01-01T00:00"' in form.text
    version = VERSION_RE.search(form.text)
    assert version is not None
    edit = {"_csrf": csrf_of(form.text), "version": version.group(1), "is_active": "false",
            "usage_limit": "", "min_subtotal": "60.50", "starts_at": "2026-01-01T00:00",
            "ends_at": "2026-12-31T23:59"}  # fmt: skip
    saved = await client.post(f"{PATH}/{discount_id}", data=edit)
    assert saved.status_code == 303
    read = (await client.get(f"/api/commerce/discounts/{discount_id}", headers=api)).json()
    assert read["is_active"] is False and read["usage_limit"] is None
    assert read["min_subtotal"] == 6050 and read["ends_at"].startswith("2026-12-31T23:59")
    stale = await client.post(f"{PATH}/{discount_id}", data={**edit, "is_active": "true"})
    assert stale.status_code == 409 and "someone changed this record" in stale.text
    assert (await client.get(f"/api/commerce/discounts/{discount_id}", headers=api)).json()[
        "is_active"
    ] is False
    deleted = await client.post(f"{PATH}/{discount_id}/delete", data={"_csrf": edit["_csrf"]})
    assert deleted.status_code == 303 and "Discount code deleted." in (await client.get(PATH)).text
    assert (await client.get("/api/commerce/discounts", headers=api)).json()["items"] == []


@pytest.mark.parametrize(
    ("fields", "field", "status"),
    [
        ({"code": "no spaces"}, "code", 400),
        ({"value": "150"}, "value", 400),
        ({"kind": "fixed", "value": "5"}, "currency_code", 400),
        ({"kind": "bogus"}, "kind", 400),
        ({"kind": "fixed", "value": "5.001", "currency_code": "EUR"}, "value", 400),
        ({"usage_limit": "0"}, "usage_limit", 400),
        ({"starts_at": "2026-02-01T00:00", "ends_at": "2026-01-01T00:00"}, "ends_at", 400),
        ({"starts_at": "yesterday"}, "starts_at", 400),
        ({"min_subtotal": "10"}, "currency_code", 400),
    ],
)
async def test_bad_input_is_said_under_its_field(
    client: httpx.AsyncClient, app: RustokApp, fields: dict[str, str], field: str, status: int
) -> None:
    await staff(client, app, "admin")
    refused = await _create(client, **fields)
    assert refused.status_code == status, refused.text
    assert f'id="{field}-error"' in refused.text and "No discount codes yet." in refused.text


async def test_a_taken_code_and_a_limit_below_the_uses_are_refused_on_the_form(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    assert (await _create(client)).status_code == 303
    taken = await _create(client, code="SPRING10")
    assert taken.status_code == 409 and 'id="code-error"' in taken.text
    [discount_id] = ROW_RE.findall((await client.get(PATH)).text)
    form = await client.get(f"{PATH}/{discount_id}")
    version = VERSION_RE.search(form.text)
    assert version is not None
    edit = {"_csrf": csrf_of(form.text), "version": version.group(1), "is_active": "true",
            "min_subtotal": "10"}  # fmt: skip
    no_currency = await client.post(f"{PATH}/{discount_id}", data=edit)
    assert no_currency.status_code == 400 and 'id="min_subtotal-error"' in no_currency.text


async def test_a_manager_is_refused_and_a_post_without_csrf_is_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "admin")
    assert (await client.post(PATH, data=_form())).status_code == 403
    await staff(client, app, "manager")  # no discounts:* grants
    token = csrf_of((await client.get("/admin")).text)
    assert (await client.get(PATH)).status_code == 403
    assert (await client.post(PATH, data={"_csrf": token, **_form()})).status_code == 403
    api = await signed_in(client, app, "admin")
    assert (await client.get("/api/commerce/discounts", headers=api)).json()["items"] == []


async def test_the_list_pages_and_refuses_bad_parameters(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    for n in range(51):
        body = {"code": f"C{n:02}", "kind": "percentage", "value": 5}
        assert (
            await client.post("/api/commerce/discounts", json=body, headers=api)
        ).status_code == 201
    await staff(client, app, "admin")
    assert (await client.get(PATH)).status_code == 200
    with count_queries(app.platform.db) as counter:
        first = await client.get(PATH)
    assert len(ROW_RE.findall(first.text)) == 50 and "C49" in first.text
    assert counter.count <= BUDGET, counter.statements
    second = await client.get(PATH, params={"page": "2"})
    assert len(ROW_RE.findall(second.text)) == 1 and "C50" in second.text
    assert (await client.get(PATH, params={"sort": "-code"})).status_code == 400
    assert (await client.get(PATH, params={"page": "x"})).status_code == 400
