"""The tool contract and how a call runs: validate, authorise, call the service, answer.

A tool's arguments are a msgspec struct (forbidding unknown fields): the same types, limits
and messages as the REST body it mirrors. A call needs the tool's module installed and
enabled for the key's tenant (404 otherwise, as the REST routes answer) and the permission
of the mirrored route (403, audited as ``authz.denied``); errors keep their REST code.
Arguments pass the request guard's checks too (``RUSTOK_MAX_JSON_DEPTH``, no NUL), on both
transports, since neither goes through the REST request guard.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import msgspec

from rustok.api.text_guard import reject_nul_in_json
from rustok.audit.log import record_now
from rustok.auth.auth_runtime import AuthRuntime
from rustok.core.context import DEFAULT_TENANT_ID, TenantRef, current_context
from rustok.core.errors import NotFound, PermissionDenied, ValidationFailed
from rustok.core.platform import Platform
from rustok.core.validation import NestingTooDeep, json_depth_exceeds, struct_errors
from rustok.rbac.declare import check_syntax
from rustok.rbac.principal import Principal

# The principal of the current /mcp request (set by the endpoint, read by the tools).
MCP_PRINCIPAL: ContextVar[Principal | None] = ContextVar("rustok_mcp_principal", default=None)


@dataclass(frozen=True, slots=True)
class McpCall:
    """What a tool handler gets: the platform, auth, the key's principal and its tenant."""

    platform: Platform
    auth: AuthRuntime
    principal: Principal

    @property
    def tenant(self) -> TenantRef:
        tenant = current_context().tenant
        if tenant is None:
            raise RuntimeError("an MCP call runs in its key's tenant")
        return tenant


class NoArguments(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


Handler = Callable[[McpCall, Any], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class McpTool:
    name: str
    description: str
    arguments: type[msgspec.Struct]
    handler: Handler
    # The mirrored REST route's permission; None: any valid key (public reads).
    permission: str | None = None
    module: str | None = None
    read_only: bool = True
    # Platform administration (the outbox of every tenant): default tenant only.
    default_tenant_only: bool = False

    def __post_init__(self) -> None:
        if self.permission is not None:
            check_syntax(self.permission)  # one no installed module declares is never granted

    def input_schema(self) -> dict[str, Any]:
        """The argument struct's JSON Schema with the struct itself at the root (MCP wants
        ``type: object`` there), its nested types under ``$defs``."""
        schema = msgspec.json.schema(self.arguments)
        defs: dict[str, Any] = dict(schema.get("$defs", {}))
        root = dict(defs.pop(schema["$ref"].rsplit("/", 1)[1]))
        if defs:
            root["$defs"] = defs
        return root


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
