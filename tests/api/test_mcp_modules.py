"""The MCP tools come from the modules' specs (``ModuleSpec.mcp_tools``): each is bound to the
module declaring it, so a tenant that switched the module off gets NOT_FOUND from it; a
declaration that is no tool, names another module or takes a name twice is refused.
(A module installed from its own distribution offers one: ``tests/test_installed_module.py``.)"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.api.mcp.registry import module_tools, tools_for
from rustok.bootstrap import builtin_modules
from rustok.core.module import McpToolDeclaration, ModuleSpec
from rustok.web.mcp import McpCall, McpTool, NoArguments
from tests.api.mcp_support import mcp_client, result
from tests.auth.helpers import bearer, make_user, sign_in
from tests.auth.keys import create_key

URL = "http://testserver/mcp"


async def test_a_tool_of_a_module_the_tenant_switched_off_is_not_found(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "admin@example.com", "admin")
    admin = await sign_in(client, "admin@example.com")
    key = (await create_key(client, admin, ["products:list"]))["key"]
    async with mcp_client(URL, {"X-Api-Key": key}, app) as mcp:
        assert result(await mcp.call_tool("list_pages", {}))["total"] == 0
        off = await client.patch(
            "/api/admin/store", json={"modules": {"pages": False}}, headers=bearer(admin)
        )
        assert off.status_code == 200, off.text
        listed = {tool.name for tool in (await mcp.list_tools()).tools}
        assert {"list_pages", "get_page"} <= listed  # the deployment's tools, all listed
        for tool, arguments in (
            ("list_pages", {}),
            ("get_page", {"id": "0193b4f0-0000-7000-8000-000000000000"}),
        ):
            refused = await mcp.call_tool(tool, arguments)
            assert refused.is_error
            assert result(refused) == {
                "code": "NOT_FOUND",
                "status": 404,
                "detail": "module pages is not enabled for this tenant",
            }
        assert result(await mcp.call_tool("search_products", {}))["total"] == 0
    assert (await client.get("/api/pages")).status_code == 404  # as its REST route answers


async def _pong(call: McpCall, args: NoArguments) -> dict[str, str]:
    return {"pong": call.tenant.slug}


PING = McpTool("ping", "Answers pong.", NoArguments, _pong)


def _module(slug: str, *tools: McpToolDeclaration) -> ModuleSpec:
    return ModuleSpec(
        slug=slug, name=slug, description="MCP test module", version="0.0.1", mcp_tools=tools
    )


@pytest.mark.sql_free
def test_each_tool_is_bound_to_the_module_declaring_it() -> None:
    owners = {tool.name: tool.module for tool in tools_for(builtin_modules())}
    assert owners == {
        "outbox_status": None,
        **dict.fromkeys(
            ["search_products", "get_product", "create_draft_product", "update_product",
             "list_orders", "get_order", "transition_order"], "commerce",
        ),
        **dict.fromkeys(["list_posts", "get_post", "create_draft_post", "update_post"], "blog"),
        **dict.fromkeys(["list_pages", "get_page"], "pages"),
        **dict.fromkeys(["search_store", "index_check"], "index"),
    }  # fmt: skip
    [bound] = module_tools(_module("probe", PING))
    assert (bound.name, bound.module, PING.module) == ("ping", "probe", None)


@pytest.mark.sql_free
def test_a_declaration_that_is_no_tool_is_refused() -> None:
    @dataclass(frozen=True)
    class LooksLikeATool:
        name: str = "ping"
        module: str | None = None

    with pytest.raises(TypeError) as info:
        tools_for([_module("probe", LooksLikeATool())])
    assert str(info.value) == (
        "module 'probe': mcp_tools holds test_a_declaration_that_is_no_tool_is_refused.<locals>"
        ".LooksLikeATool(name='ping', module=None), not a rustok.web.mcp.McpTool"
    )


@pytest.mark.sql_free
def test_a_tool_name_is_taken_once() -> None:
    with pytest.raises(ValueError, match=r"^probe: two MCP tools are named 'ping'$"):
        _module("probe", PING, PING)
    twice = "^MCP tool 'ping' is declared by module 'first' and by module 'second'$"
    with pytest.raises(ValueError, match=twice):
        tools_for([_module("first", PING), _module("second", PING)])
    platform_tool = McpTool("outbox_status", "Not the platform's.", NoArguments, _pong)
    taken = "^MCP tool 'outbox_status' is declared by the platform and by module 'probe'$"
    with pytest.raises(ValueError, match=taken):
        tools_for([_module("probe", platform_tool)])


@pytest.mark.sql_free
def test_a_module_declares_its_own_tools_only() -> None:
    theirs = McpTool("ping", "Answers pong.", NoArguments, _pong, module="blog")
    foreign = "^probe: MCP tool 'ping' names module 'blog'; a module declares its own tools only$"
    with pytest.raises(ValueError, match=foreign):
        _module("probe", theirs)
    own = McpTool("ping", "Answers pong.", NoArguments, _pong, module="probe")
    assert _module("probe", own).mcp_tools == (own,)
