"""The tools of a deployment: the platform's, plus those the installed modules declare
(``ModuleSpec.mcp_tools``), each bound to its module so that a tenant that disabled the module
gets 404 from it, as from the module's REST routes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from rustok.api.mcp.outbox_tools import OUTBOX_TOOLS
from rustok.core.module import ModuleSpec
from rustok.web.mcp import McpTool


def module_tools(module: ModuleSpec) -> list[McpTool]:
    """A module's tools, bound to it."""
    tools: list[McpTool] = []
    for tool in module.mcp_tools:
        if not isinstance(tool, McpTool):
            raise TypeError(
                f"module {module.slug!r}: mcp_tools holds {tool!r}, not a rustok.web.mcp.McpTool"
            )
        tools.append(replace(tool, module=module.slug))
    return tools


def tools_for(modules: Iterable[ModuleSpec]) -> list[McpTool]:
    """Every tool a key may be offered; two tools of one name stop the app."""
    tools: list[McpTool] = [*OUTBOX_TOOLS]
    for module in modules:
        tools += module_tools(module)
    owners: dict[str, str] = {}
    for tool in tools:
        owner = f"module {tool.module!r}" if tool.module else "the platform"
        if tool.name in owners:
            raise ValueError(
                f"MCP tool {tool.name!r} is declared by {owners[tool.name]} and by {owner}"
            )
        owners[tool.name] = owner
    return tools
