"""The commerce categories and collections screens: lists, adding one, the edit form with a
stale-form check, deleting one, through ``TaxonomyService`` with the REST routes'
``categories:*`` permissions; bad input is said under its field."""

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

CATEGORIES = "/admin/commerce/categories"
COLLECTIONS = "/admin/commerce/collections"
CATEGORY_RE = re.compile(r'href="/admin/commerce/categories/([0-9a-f-]{36})"')
COLLECTION_RE = re.compile(r'href="/admin/commerce/collections/([0-9a-f-]{36})"')
VERSION_RE = re.compile(r'name="version" value="([^"]+)"')
# The session check, the count and the page; categories also load the add form's parent
# choices (a count and a page): measured 5 and 3 on SQLite and PostgreSQL.
CATEGORY_BUDGET = 5
COLLECTION_BUDGET = 3


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _post(client: httpx.AsyncClient, path: str, form: str, **fields: str) -> httpx.Response:
    token = csrf_of((await client.get(form)).text)
    return await client.post(path, data={"_csrf": token, **fields})


async def _version(client: httpx.AsyncClient, path: str) -> dict[str, str]:
    form = await client.get(path)
    assert form.status_code == 200, form.text
    version = VERSION_RE.search(form.text)
    assert version is not None
    return {"_csrf": csrf_of(form.text), "version": version.group(1)}


async def test_categories_add_nest_edit_and_delete_through_the_service(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "manager")
    empty = await client.get(CATEGORIES)
    assert empty.status_code == 200 and "No categories yet." in empty.text
    added = await _post(client, CATEGORIES, CATEGORIES, name="Shirts", position="1")
    assert added.status_code == 303 and added.headers["location"] == CATEGORIES
    [shirts] = CATEGORY_RE.findall((await client.get(CATEGORIES)).text)
    child = await _post(
        client, CATEGORIES, CATEGORIES, name="Linen shirts", handle="linen", parent_id=shirts
    )
    assert child.status_code == 303
    api = await signed_in(client, app, "admin")
    items = (await client.get("/api/commerce/categories", headers=api)).json()["items"]
    linen = next(c for c in items if c["handle"] == "linen")
    assert linen["parent_id"] == shirts and linen["name"] == "Linen shirts"
    path = f"{CATEGORIES}/{linen['id']}"
    state = await _version(client, path)
    edit = {**state, "name": "Linen", "handle": "linen", "parent_id": "", "position": "3",
            "description": "Cool"}  # fmt: skip
    saved = await client.post(path, data=edit)
    assert saved.status_code == 303 and saved.headers["location"] == path
    read = (await client.get(f"/api/commerce/categories/{linen['id']}", headers=api)).json()
    assert read["name"] == "Linen" and read["parent_id"] is None and read["position"] == 3
    assert read["description"] == "Cool"
    stale = await client.post(path, data={**edit, "name": "Stale"})
    assert stale.status_code == 409 and "someone changed this record" in stale.text
    deleted = await client.post(f"{path}/delete", data={"_csrf": state["_csrf"]})
    assert deleted.status_code == 303 and "Category deleted." in (await client.get(CATEGORIES)).text
    assert (
        await client.get(f"/api/commerce/categories/{linen['id']}", headers=api)
    ).status_code == 404


async def test_collections_add_edit_and_delete_through_the_service(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "manager")
    assert "No collections yet." in (await client.get(COLLECTIONS)).text
    added = await _post(client, COLLECTIONS, COLLECTIONS, title="Summer picks")
    assert added.status_code == 303
    [collection_id] = COLLECTION_RE.findall((await client.get(COLLECTIONS)).text)
    api = await signed_in(client, app, "admin")
    read = (await client.get(f"/api/commerce/collections/{collection_id}", headers=api)).json()
    assert read["handle"] == "summer-picks"
    path = f"{COLLECTIONS}/{collection_id}"
    edit = {**await _version(client, path), "title": "Summer", "handle": "summer",
            "description": ""}  # fmt: skip
    assert (await client.post(path, data=edit)).status_code == 303
    read = (await client.get(f"/api/commerce/collections/{collection_id}", headers=api)).json()
    assert read["title"] == "Summer" and read["handle"] == "summer"
    assert (await client.post(path, data=edit)).status_code == 409
    deleted = await client.post(f"{path}/delete", data={"_csrf": edit["_csrf"]})
    assert (
        deleted.status_code == 303 and "No collections yet." in (await client.get(COLLECTIONS)).text
    )


async def test_bad_input_and_a_taken_handle_are_said_under_their_field(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "manager")
    no_name = await _post(client, CATEGORIES, CATEGORIES, name="")
    assert no_name.status_code == 400 and 'id="name-error"' in no_name.text
    bad_position = await _post(client, CATEGORIES, CATEGORIES, name="A", position="-1")
    assert bad_position.status_code == 400 and 'id="position-error"' in bad_position.text
    bad_parent = await _post(client, CATEGORIES, CATEGORIES, name="A", parent_id="nope")
    assert bad_parent.status_code == 400 and 'id="parent_id-error"' in bad_parent.text
    assert "No categories yet." in bad_parent.text
    assert (await _post(client, COLLECTIONS, COLLECTIONS, title="Sale")).status_code == 303
    taken = await _post(client, COLLECTIONS, COLLECTIONS, title="Sale again", handle="sale")
    assert taken.status_code == 409 and 'id="handle-error"' in taken.text
    bad_handle = await _post(client, COLLECTIONS, COLLECTIONS, title="X", handle="Not A Handle")
    assert bad_handle.status_code == 400 and 'id="handle-error"' in bad_handle.text
    assert (await _post(client, CATEGORIES, CATEGORIES, name="Shirts")).status_code == 303
    [category_id] = CATEGORY_RE.findall((await client.get(CATEGORIES)).text)
    path = f"{CATEGORIES}/{category_id}"
    own_parent = {**await _version(client, path), "name": "Shirts", "parent_id": category_id}
    refused = await client.post(path, data=own_parent)
    assert refused.status_code == 400 and 'id="parent_id-error"' in refused.text


async def test_customers_are_refused_and_a_post_without_csrf_is_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await staff(client, app, "manager")
    assert (await client.post(CATEGORIES, data={"name": "A"})).status_code == 403
    assert (await client.post(COLLECTIONS, data={"title": "A"})).status_code == 403
    # A customer holds categories:list and :read but not the admin's staff access.
    await staff(client, app, "customer")
    token = csrf_of((await client.get("/admin")).text)
    for path in (CATEGORIES, COLLECTIONS):
        assert (await client.get(path)).status_code == 403
    assert (await client.post(CATEGORIES, data={"_csrf": token, "name": "A"})).status_code == 403
    api = await signed_in(client, app, "admin")
    assert (await client.get("/api/commerce/categories", headers=api)).json()["items"] == []


async def test_lists_of_50_rows_cost_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    for n in range(51):
        category = {"name": f"Category {n:02}", "position": n}
        assert (
            await client.post("/api/commerce/categories", json=category, headers=api)
        ).status_code == 201
        collection = {"title": f"Collection {n:02}"}
        assert (
            await client.post("/api/commerce/collections", json=collection, headers=api)
        ).status_code == 201
    await staff(client, app, "manager")
    for path, pattern, budget in (
        (CATEGORIES, CATEGORY_RE, CATEGORY_BUDGET), (COLLECTIONS, COLLECTION_RE, COLLECTION_BUDGET)
    ):  # fmt: skip
        assert (await client.get(path)).status_code == 200
        with count_queries(app.platform.db) as counter:
            listed = await client.get(path)
        assert len(pattern.findall(listed.text)) == 50
        assert counter.count <= budget, (path, counter.statements)
        second = await client.get(path, params={"page": "2"})
        assert len(pattern.findall(second.text)) == 1
    assert (await client.get(CATEGORIES, params={"sort": "-position"})).status_code == 400
    assert (await client.get(COLLECTIONS, params={"sort": "title"})).status_code == 400
