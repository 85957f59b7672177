"""The MCP server at ``/mcp`` (M-1, M-2), driven in-process with the SDK's client over
streamable HTTP: tools through the same services and permissions as REST, in the key's
tenant; the event catalogue as a resource; refusals as tool errors or 401/403 problems."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from mcp import MCPError
from mcp.types import INVALID_PARAMS
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.audit.models import AuditEntry
from rustok.tenancy.schemas import TenantCreate
from tests.api.mcp_support import (
    DRAFT_PRODUCT,
    EXPECTED_TOOLS,
    mcp_client,
    pending_order,
    result,
)
from tests.auth.helpers import bearer, make_user, sign_in
from tests.auth.keys import create_key
from tests.conftest import TEST_SECRET
from tests.modules.commerce.helpers import create_product
from tests.outbox.support import wait_until

URL = "http://testserver/mcp"
FULL = ["products:manage", "orders:manage", "posts:manage", "settings:read"]


async def _admin(client: httpx.AsyncClient, app: RustokApp) -> dict[str, str]:
    await make_user(app.platform, "admin@example.com", "admin")
    return await sign_in(client, "admin@example.com")


async def test_catalogue_tools_and_the_event_resource(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await _admin(client, app)
    key = (await create_key(client, admin, FULL))["key"]
    await create_product(client, bearer(admin), title="Linen Tee", variants=1)
    async with mcp_client(URL, {"X-Api-Key": key}, app) as mcp:
        tools = {tool.name: tool for tool in (await mcp.list_tools()).tools}
        assert set(tools) == EXPECTED_TOOLS
        schema = tools["create_draft_product"].input_schema
        assert schema["type"] == "object" and set(schema["required"]) == {
            "translations",
            "variants",
        }
        assert tools["search_products"].annotations.read_only_hint is True  # type: ignore[union-attr]

        found = result(await mcp.call_tool("search_products", {"q": "Linen"}))
        assert [p["translations"][0]["title"] for p in found["items"]] == ["Linen Tee"]

        draft = result(await mcp.call_tool("create_draft_product", DRAFT_PRODUCT))
        assert draft["status"] == "draft" and draft["variants"][0]["sku"] == "AGENT-1"
        rest = await client.get(f"/api/commerce/products/{draft['id']}", headers=bearer(admin))
        assert rest.status_code == 200 and rest.json()["status"] == "draft"
        changed = result(await mcp.call_tool(
            "update_product", {"id": draft["id"], "changes": {"vendor": "Agents Inc"}}
        ))  # fmt: skip
        assert changed["vendor"] == "Agents Inc"
        read = result(await mcp.call_tool("get_product", {"id": draft["id"]}))
        assert read["vendor"] == "Agents Inc"

        bad = await mcp.call_tool("create_draft_product", {**DRAFT_PRODUCT, "status": "active"})
        assert bad.is_error and result(bad)["errors"] == {"status": ["must be draft"]}
        unknown = await mcp.call_tool("search_products", {"colour": "blue"})
        assert unknown.is_error and result(unknown)["code"] == "VALIDATION_ERROR"

        resources = (await mcp.list_resources()).resources
        assert [str(r.uri) for r in resources] == ["rustok://events/catalogue"]
        [contents] = (await mcp.read_resource("rustok://events/catalogue")).contents
        catalogue = json.loads(contents.text)  # type: ignore[union-attr]
        assert catalogue["events"]["order.placed"]["schema_version"] >= 1
        assert "OrderPlaced" in catalogue["$defs"]


async def test_order_tools_move_an_order_through_its_states(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await _admin(client, app)
    key = (await create_key(client, admin, FULL))["key"]
    order_id = await pending_order(client, bearer(admin))
    async with mcp_client(URL, {"X-Api-Key": key}, app) as mcp:
        listed = result(await mcp.call_tool("list_orders", {"status": "pending"}))
        assert [o["id"] for o in listed["items"]] == [order_id]
        for action, extra, status in [
            ("confirm", {}, "confirmed"), ("pay", {}, "paid"),
            ("ship", {"tracking_number": "TRACK-1"}, "shipped"), ("deliver", {}, "delivered"),
        ]:  # fmt: skip
            if action == "ship":
                missing = await mcp.call_tool(
                    "transition_order", {"id": order_id, "action": "ship"}
                )
                assert missing.is_error
                assert result(missing)["errors"] == {"tracking_number": ["is required"]}
            moved = result(
                await mcp.call_tool("transition_order", {"id": order_id, "action": action, **extra})
            )
            assert moved["status"] == status
        illegal = await mcp.call_tool("transition_order", {"id": order_id, "action": "cancel"})
        assert illegal.is_error and result(illegal)["code"] == "INVALID_TRANSITION"
        shown = result(await mcp.call_tool("get_order", {"id": order_id}))
        assert [h["to_status"] for h in shown["history"]][-1] == "delivered"
    rest = await client.get(f"/api/commerce/orders/{order_id}", headers=bearer(admin))
    assert rest.json()["status"] == "delivered"


async def test_blog_and_read_model_tools(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await _admin(client, app)
    key = (await create_key(client, admin, FULL))["key"]
    await create_product(client, bearer(admin), title="Quokka Mug", variants=1)
    async with mcp_client(URL, {"X-Api-Key": key}, app) as mcp:
        post = result(await mcp.call_tool("create_draft_post", {
            "translations": [{"locale": "en", "title": "Agents write drafts", "body": "Hello"}],
            "tags": ["agents"],
        }))  # fmt: skip
        assert post["status"] == "draft"
        listed = result(await mcp.call_tool("list_posts", {"status": "draft"}))
        assert [p["id"] for p in listed["items"]] == [post["id"]]
        changed = result(await mcp.call_tool("update_post", {
            "id": post["id"], "changes": {"translations": [{"locale": "en", "title": "Edited"}]},
        }))  # fmt: skip
        assert changed["title"] == "Edited"
        publish = await mcp.call_tool("create_draft_post", {
            "translations": [{"locale": "en", "title": "x"}], "publish": True,
        })  # fmt: skip
        assert publish.is_error and result(publish)["errors"] == {"publish": ["must be false"]}

        block = {"type": "text", "content": "Hi"}
        page = {"locale": "en", "title": "About", "blocks": [block]}
        drafted = await client.post(
            "/api/pages", json={"translations": [page]}, headers=bearer(admin)
        )
        assert drafted.status_code == 201, drafted.text
        pages = result(await mcp.call_tool("list_pages", {"status": "draft"}))
        assert [(p["id"], p["blocks"]) for p in pages["items"]] == [(drafted.json()["id"], None)]
        read = result(await mcp.call_tool("get_page", {"id": drafted.json()["id"]}))
        assert read["title"] == "About"
        assert read["blocks"] == [{**block, "format": "markdown"}]

        async def indexed() -> bool:
            hits = result(await mcp.call_tool("search_store", {"q": "quokka"}))["items"]
            return [h["title"] for h in hits] == ["Quokka Mug"]

        await wait_until(indexed, within=20, what="the index consumer to list the product")
        checked = result(await mcp.call_tool("index_check", {"only": "products"}))
        assert checked["drifted"] == 0
        assert [(r["read_model"], r["checked"]) for r in checked["results"]] == [("products", 1)]


async def test_a_key_without_the_permission_gets_a_tool_error(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await _admin(client, app)
    created = await create_key(client, admin, ["products:list"])
    async with mcp_client(URL, {"X-Api-Key": created["key"]}, app) as mcp:
        refused = await mcp.call_tool("create_draft_product", DRAFT_PRODUCT)
        assert refused.is_error
        assert result(refused) == {
            "code": "FORBIDDEN",
            "status": 403,
            "detail": "missing permission products:create",
        }
        # Platform administration is the default tenant's super admins' only.
        assert result(await mcp.call_tool("outbox_status", {}))["code"] == "FORBIDDEN"
        missing = await mcp.call_tool("no_such_tool", {})
        assert missing.is_error and result(missing)["code"] == "NOT_FOUND"
        assert result(await mcp.call_tool("search_products", {}))["total"] == 0
    async with app.platform.db.read_session(all_tenants=True) as session:
        denied = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "authz.denied"))
        ).all()
    paths = sorted(e.details["path"] for e in denied)
    assert paths == ["mcp:create_draft_product", "mcp:outbox_status"]
    assert {e.details["api_key_id"] for e in denied} == {created["id"]}
    rest = await client.get("/api/commerce/products", headers=bearer(admin))
    assert rest.json()["total"] == 0  # nothing was created


async def test_super_admins_read_the_outbox(client: httpx.AsyncClient, app: RustokApp) -> None:
    root = await _admin(client, app)
    await make_user(app.platform, "root@example.com", "super_admin")
    root = await sign_in(client, "root@example.com")
    key = (await create_key(client, root, ["logs:read"]))["key"]
    async with mcp_client(URL, {"X-Api-Key": key}, app) as mcp:
        status = result(await mcp.call_tool("outbox_status", {}))
    assert status["failed"] == 0 and isinstance(status["pending"], int)
    assert {c["name"] for c in status["consumers"]} >= {"index.products", "index.content"}


async def test_the_endpoint_needs_a_live_key_and_takes_the_tenant_from_it(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await _admin(client, app)
    body = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    refused = await client.post("/mcp", json=body)
    assert refused.status_code == 401 and refused.json()["code"] == "INVALID_API_KEY"
    assert (await client.post("/mcp", json=body, headers=bearer(admin))).status_code == 401

    await app.tenancy.tenants().create(TenantCreate(slug="shop", name="Shop"))
    await make_user(app.platform, "owner@example.com", "admin", "shop")
    owner = await sign_in(client, "owner@example.com", tenant="shop")
    shop_key = (await create_key(client, owner, ["products:list"], tenant="shop"))["key"]
    await create_product(client, bearer(admin), title="Default Tee", variants=1)
    await create_product(client, bearer(owner, "shop"), title="Shop Tee", variants=1)
    async with mcp_client(URL, {"X-Api-Key": shop_key}, app) as mcp:
        found = result(await mcp.call_tool("search_products", {}))
        assert [p["translations"][0]["title"] for p in found["items"]] == ["Shop Tee"]
    mismatch = await client.post(
        "/mcp", json=body, headers={"X-Api-Key": shop_key, "X-Tenant-ID": "default"}
    )
    assert mismatch.status_code == 403 and mismatch.json()["code"] == "TENANT_MISMATCH"

    created = await create_key(client, admin, ["products:list"])
    await client.delete(f"/api/admin/api-keys/{created['id']}", headers=bearer(admin))
    revoked = await client.post("/mcp", json=body, headers={"X-Api-Key": created["key"]})
    assert revoked.status_code == 401 and revoked.json()["code"] == "API_KEY_REVOKED"


async def test_arguments_pass_the_request_guards_checks(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    """/mcp is outside the REST request guard: NUL is refused by the tool call itself, as an
    error naming the field, and nothing is written. (Deep nesting never reaches a tool over
    HTTP: the endpoint refuses the whole body first, see the hostile bodies test.)"""
    admin = await _admin(client, app)
    key = (await create_key(client, admin, FULL))["key"]
    product = await create_product(client, bearer(admin), title="Guarded Tee", variants=1)
    async with mcp_client(URL, {"Authorization": f"Bearer {key}"}, app) as mcp:
        nul = await mcp.call_tool(
            "update_product", {"id": product["id"], "changes": {"vendor": "A\x00B"}}
        )
        assert nul.is_error
        assert result(nul)["errors"] == {
            "changes.vendor": ["must not contain NUL (U+0000) characters"]
        }
        shallow = await mcp.call_tool(
            "update_product", {"id": product["id"], "changes": {"metadata": {"x": "ok"}}}
        )
        assert result(shallow)["metadata"] == {"x": "ok"}
    rest = await client.get(f"/api/commerce/products/{product['id']}", headers=bearer(admin))
    assert rest.json()["vendor"] is None


async def test_an_unknown_resource_is_a_json_rpc_error(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await _admin(client, app)
    key = (await create_key(client, admin, ["products:list"]))["key"]
    async with mcp_client(URL, {"X-Api-Key": key}, app) as mcp:
        with pytest.raises(MCPError) as raised:
            await mcp.read_resource("rustok://events/nothing")
    assert raised.value.code == INVALID_PARAMS
    assert raised.value.message == "no resource rustok://events/nothing"


async def test_only_post_to_mcp_is_served(client: httpx.AsyncClient, app: RustokApp) -> None:
    """A stateless server has no stream for GET to open (the SDK's would never end) and no
    session for DELETE to end; other paths and oversized bodies are refused as problems."""
    admin = await _admin(client, app)
    key = {"X-Api-Key": (await create_key(client, admin, ["products:list"]))["key"]}
    for method in ("GET", "DELETE", "PUT"):
        response = await client.request(method, "/mcp", headers=key)
        assert response.status_code == 405, method
        assert response.headers["allow"] == "POST"
        assert response.json()["code"] == "METHOD_NOT_ALLOWED"
    body = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    other = await client.post("/mcp/other", json=body, headers=key)
    assert other.status_code == 404 and other.json()["code"] == "NOT_FOUND"
    size = app.platform.settings.max_body_size
    big = await client.post(
        "/mcp", content=b" " * (size + 1), headers={**key, "Content-Type": "application/json"}
    )
    assert big.status_code == 413 and big.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert (await client.get("/mcp")).json()["code"] == "INVALID_API_KEY"  # the key first


async def test_hostile_raw_bodies_are_problems_before_the_sdk_parses_them(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    """A deep raw body used to reach the SDK's parser (a JSON-RPC parse error), and a body
    larger than the limit sent without a length got the SDK's plain-text 413."""
    admin = await _admin(client, app)
    key = {"X-Api-Key": (await create_key(client, admin, ["products:list"]))["key"],
           "Accept": "application/json, text/event-stream",
           "Content-Type": "application/json"}  # fmt: skip
    depth = app.platform.settings.max_json_depth + 1
    deep = await client.post("/mcp", content=b"[" * depth + b"]" * depth, headers=key)
    assert deep.status_code == 400, deep.text
    assert deep.headers["content-type"] == "application/problem+json"
    assert deep.json()["code"] == "NESTING_TOO_DEEP"
    size = app.platform.settings.max_body_size

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(size // 65536 + 2):
            yield b" " * 65536

    big = await client.post("/mcp", content=chunks(), headers=key)
    assert big.status_code == 413, big.text
    assert big.headers["content-type"] == "application/problem+json"
    assert big.json()["code"] == "PAYLOAD_TOO_LARGE"
    ping = {"jsonrpc": "2.0", "id": 7, "method": "ping"}
    fine = await client.post("/mcp", json=ping, headers=key)
    assert fine.status_code == 200 and fine.json() == {"jsonrpc": "2.0", "id": 7, "result": {}}


@pytest.mark.sql_free
def test_serving_does_not_import_the_sdk_until_mcp_is_used(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from rustok.api.app import create_app\n"
        "from rustok.bootstrap import load_all_settings as load_settings\n"
        f"settings = load_settings(environ={{}}, warn=False, data_dir={str(tmp_path)!r},\n"
        f"    database_url='sqlite+aiosqlite:///{tmp_path}/x.db', secret_key={TEST_SECRET!r})\n"
        "app = create_app(settings)\n"
        "assert not app.mcp.loaded\n"
        "print(sorted(m for m in sys.modules if m == 'mcp' or m.startswith('mcp.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
