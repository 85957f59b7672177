"""The commerce stock-locations screen: the list and the add form, through
``InventoryService`` with the REST routes' permissions."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.auth.helpers import make_user
from tests.conftest import make_settings
from tests.modules.commerce.helpers import signed_in

PATH = "/admin/commerce/stock-locations"


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _sign_in(client: httpx.AsyncClient, app: RustokApp, role: str) -> str:
    await make_user(app.platform, f"{role}@example.com", role)
    assert (await admin_sign_in(client, f"{role}@example.com")).status_code == 303
    page = await client.get(PATH)
    return csrf_of(page.text)


async def test_adding_a_location_through_the_service(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    token = await _sign_in(client, app, "manager")
    added = await client.post(PATH, data={"_csrf": token, "code": "north", "name": "North"})
    assert added.status_code == 303 and added.headers["location"] == PATH
    page = (await client.get(PATH)).text
    assert "Stock location added." in page and "<code>north</code>" in page
    assert page.index("<code>default</code>") < page.index("<code>north</code>")
    listed = (await client.get("/api/commerce/stock-locations", headers=api)).json()
    assert [(x["code"], x["name"]) for x in listed["items"]][1:] == [("north", "North")]


async def test_bad_and_taken_codes_are_inline_errors(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    token = await _sign_in(client, app, "manager")
    bad = await client.post(PATH, data={"_csrf": token, "code": "North Pole", "name": "N"})
    assert bad.status_code == 400
    assert 'aria-describedby="code-error"' in bad.text and 'value="North Pole"' in bad.text
    assert (
        await client.post(PATH, data={"_csrf": token, "code": "n", "name": "N"})
    ).status_code == 303
    taken = await client.post(PATH, data={"_csrf": token, "code": "n", "name": "Again"})
    assert taken.status_code == 409
    assert 'id="code-error"' in taken.text and "location code &#39;n&#39; is taken" in taken.text
    listed = (await client.get("/api/commerce/stock-locations", headers=api)).json()
    assert [x["code"] for x in listed["items"]] == ["default", "n"]


async def test_a_customer_cannot_list_or_add_locations(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "customer@example.com", "customer")
    assert (await admin_sign_in(client, "customer@example.com")).status_code == 303
    refused = await client.get(PATH)
    assert refused.status_code == 403
    post = await client.post(PATH, data={"_csrf": csrf_of(refused.text), "code": "x", "name": "X"})
    assert post.status_code == 403
