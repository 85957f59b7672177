"""How a tool call runs: validate, authorise, call the service, answer (the tools themselves
are declared with ``rustok.web.mcp``).

A tool's arguments are a msgspec struct (forbidding unknown fields): the same types, limits
and messages as the REST body it mirrors. A call needs the tool's module installed and
enabled for the key's tenant (404 otherwise, as the REST routes answer) and the permission
of the mirrored route (403, audited as ``authz.denied``); errors keep their REST code.
Arguments pass the request guard's checks too (``RUSTOK_MAX_JSON_DEPTH``, no NUL), on both
transports, since neither goes through the REST request guard.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import msgspec

from rustok.api.text_guard import reject_nul_in_json
from rustok.audit.log import record_now
from rustok.core.context import DEFAULT_TENANT_ID
from rustok.core.errors import NotFound, PermissionDenied, ValidationFailed
from rustok.core.validation import NestingTooDeep, json_depth_exceeds, struct_errors
from rustok.rbac.principal import Principal
from rustok.web.mcp import McpCall, McpTool

# The principal of the current /mcp request (set by the endpoint, read by the tools).
MCP_PRINCIPAL: ContextVar[Principal | None] = ContextVar("rustok_mcp_principal", default=None)


def parse_arguments(tool: McpTool, arguments: dict[str, Any], max_depth: int) -> Any:
    text = msgspec.json.encode(arguments)
    if json_depth_exceeds(text, max_depth):
        raise NestingTooDeep(
            f"the arguments nest arrays and objects deeper than {max_depth} levels"
        )
    reject_nul_in_json(text)
    try:
        return msgspec.convert(arguments, tool.arguments)
    except msgspec.ValidationError as exc:
        errors = struct_errors(tool.arguments, arguments) or {"arguments": [str(exc)]}
        raise ValidationFailed(str(exc), errors=errors) from exc


async def run_tool(tool: McpTool, call: McpCall, arguments: dict[str, Any]) -> object:
    """Authorise and run one call in the key's tenant; raise the platform's errors."""
    tenant = call.tenant
    if tool.module is not None and tool.module not in tenant.enabled_modules:
        raise NotFound(f"module {tool.module} is not enabled for this tenant")
    if tool.default_tenant_only and tenant.id != DEFAULT_TENANT_ID:
        raise PermissionDenied("platform administration happens in the default tenant")
    if tool.permission is not None and not call.principal.can(tool.permission):
        await record_now(
            call.platform.db, "authz.denied", permission=tool.permission, path=f"mcp:{tool.name}"
        )
        raise PermissionDenied(f"missing permission {tool.permission}")
    parsed = parse_arguments(tool, arguments, call.platform.settings.max_json_depth)
    return await tool.handler(call, parsed)
