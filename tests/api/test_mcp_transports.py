"""The MCP server over its two real transports, driven by the official SDK's client (M-2):
streamable HTTP at ``/mcp`` of a ``rustok serve`` on a free port, and ``rustok mcp`` spawned
as a subprocess speaking stdio."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from mcp import Client, MCPError, StdioServerParameters
from mcp.types import INVALID_REQUEST

from rustok.api.app import RustokApp
from rustok.bootstrap import bootstrap
from tests.api.mcp_support import DRAFT_PRODUCT, EXPECTED_TOOLS, mcp_client, pending_order, result
from tests.auth.helpers import bearer, make_user, sign_in
from tests.auth.keys import create_key
from tests.conftest import TEST_SECRET, make_settings
from tests.outbox.support import wait_until
from tests.services import free_port

pytestmark = pytest.mark.slow
RUSTOK = str(Path(sys.executable).parent / "rustok")
FULL = ["products:manage", "orders:manage", "posts:manage", "settings:read"]


def _env(db_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")}
    env.update(
        RUSTOK_DATABASE_URL=db_url, RUSTOK_DATA_DIR=str(tmp_path), RUSTOK_SECRET_KEY=TEST_SECRET,
        RUSTOK_LOG_LEVEL="warning", RUSTOK_MEDIA_ROOT=str(tmp_path / "media"), **extra,
    )  # fmt: skip
    return env


@contextmanager
def serving(db_url: str, tmp_path: Path) -> Iterator[str]:
    """``rustok serve`` on a free port; its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [RUSTOK, "serve", "--port", str(port)], env=_env(db_url, tmp_path), cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(30)


async def test_streamable_http_on_a_running_server(db_url: str, tmp_path: Path) -> None:
    platform = bootstrap(make_settings(db_url, tmp_path))
    try:
        await make_user(platform, "admin@example.com", "admin")
    finally:
        await platform.aclose()
    with serving(db_url, tmp_path) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            admin = await sign_in(client, "admin@example.com")
            key = (await create_key(client, admin, FULL))["key"]
            narrow = (await create_key(client, admin, ["products:list"], name="narrow"))["key"]
            order_id = await pending_order(client, bearer(admin))
            async with mcp_client(f"{base}/mcp", {"X-Api-Key": key}) as mcp:
                assert {t.name for t in (await mcp.list_tools()).tools} == EXPECTED_TOOLS
                found = result(await mcp.call_tool("search_products", {"q": "Tee"}))
                assert found["total"] == 1
                draft = result(await mcp.call_tool("create_draft_product", DRAFT_PRODUCT))
                assert draft["status"] == "draft"
                moved = result(
                    await mcp.call_tool("transition_order", {"id": order_id, "action": "confirm"})
                )
                assert moved["status"] == "confirmed"
                [contents] = (await mcp.read_resource("rustok://events/catalogue")).contents
                assert '"order.placed"' in contents.text  # type: ignore[union-attr]
            async with mcp_client(f"{base}/mcp", {"X-Api-Key": narrow}) as mcp:
                refused = await mcp.call_tool("create_draft_product", DRAFT_PRODUCT)
                assert refused.is_error and result(refused)["code"] == "FORBIDDEN"
            rest = await client.get(f"/api/commerce/products/{draft['id']}", headers=bearer(admin))
            assert rest.json()["status"] == "draft"


async def test_stdio_subprocess(
    client: httpx.AsyncClient, app: RustokApp, db_url: str, tmp_path: Path
) -> None:
    await make_user(app.platform, "admin@example.com", "admin")
    admin = await sign_in(client, "admin@example.com")
    created = await create_key(client, admin, FULL)
    order_id = await pending_order(client, bearer(admin))
    server = StdioServerParameters(
        command=RUSTOK, args=["mcp"], cwd=tmp_path,
        env=_env(db_url, tmp_path, RUSTOK_MCP_API_KEY=created["key"]),
    )  # fmt: skip
    async with Client(server) as mcp:
        assert {t.name for t in (await mcp.list_tools()).tools} == EXPECTED_TOOLS
        assert result(await mcp.call_tool("search_products", {"q": "Tee"}))["total"] == 1
        draft = result(await mcp.call_tool("create_draft_product", DRAFT_PRODUCT))
        assert draft["status"] == "draft"
        moved = result(
            await mcp.call_tool("transition_order", {"id": order_id, "action": "confirm"})
        )
        assert moved["status"] == "confirmed"
        [contents] = (await mcp.read_resource("rustok://events/catalogue")).contents
        assert '"order.placed"' in contents.text  # type: ignore[union-attr]
        refused = await mcp.call_tool("outbox_status", {})
        assert refused.is_error and result(refused)["code"] == "FORBIDDEN"

        # Revoked in the server process: the stdio process refuses its next call within 1 s.
        response = await client.delete(
            f"/api/admin/api-keys/{created['id']}", headers=bearer(admin)
        )
        assert response.status_code == 204

        async def refused_now() -> bool:
            answer = await mcp.call_tool("search_products", {})
            return answer.is_error and result(answer)["code"] == "API_KEY_REVOKED"

        await wait_until(refused_now, within=5, what="the stdio server to refuse the revoked key")
        with pytest.raises(MCPError) as raised:
            await mcp.read_resource("rustok://events/catalogue")
        assert raised.value.code == INVALID_REQUEST
        assert raised.value.data["code"] == "API_KEY_REVOKED"
    rest = await client.get(f"/api/commerce/products/{draft['id']}", headers=bearer(admin))
    assert rest.status_code == 200 and rest.json()["status"] == "draft"


@pytest.mark.parametrize(
    ("args", "extra", "code", "message"),
    [
        ([], {}, 2, "give the API key with --api-key or RUSTOK_MCP_API_KEY"),
        (["--api-key", "rk_live_nope"], {}, 1, "not an API key of this platform"),
        ([], {"RUSTOK_MCP_API_KEY": "rk_live_" + "A" * 46}, 1, "not an API key of this platform"),
    ],
)
async def test_stdio_refuses_a_bad_key_before_serving(
    db_url: str, tmp_path: Path, args: list[str], extra: dict[str, str], code: int, message: str
) -> None:
    done = await asyncio.to_thread(
        subprocess.run, [RUSTOK, "mcp", *args], env=_env(db_url, tmp_path, **extra),
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == code, done.stderr
    assert message in done.stderr
    assert done.stdout == ""
