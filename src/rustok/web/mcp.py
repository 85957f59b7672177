"""MCP tools as a module declares them (``ModuleSpec.mcp_tools``): a name, a msgspec argument
struct (its JSON Schema is the tool's input schema, its validation the REST body's), the
permission of the REST route it mirrors, and a handler calling the same service with the key's
principal. ``rustok.api.mcp`` serves them: it binds each to the module declaring it (404 where
a tenant disabled that module), authorises and audits the call, and answers.

    class PointsOf(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
        customer_id: uuid.UUID

    async def get_points(call: McpCall, args: PointsOf) -> PointsRead:
        return await LoyaltyService(call.platform, call.principal).points(args.customer_id)

    TOOLS = (McpTool("get_points", "A customer's loyalty points.", PointsOf, get_points,
                     permission="points:read"),)  # ModuleSpec(..., mcp_tools=TOOLS)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec

from rustok.core.context import TenantRef, current_context
from rustok.core.platform import Platform
from rustok.rbac.declare import check_syntax
from rustok.rbac.principal import Principal

# Argument types the tools share (the REST routes' limits).
Page = Annotated[int, msgspec.Meta(ge=1, le=100_000)]
PerPage = Annotated[int, msgspec.Meta(ge=1, le=100)]
Locale = Annotated[str, msgspec.Meta(min_length=2, max_length=10, pattern=r"^[A-Za-z0-9-]+$")]
# No control characters: PostgreSQL cannot store NUL, and none belongs in a search.
SearchText = Annotated[
    str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")
]


@dataclass(frozen=True, slots=True)
class McpCall:
    """What a tool handler gets: the platform and the key's principal, in the key's tenant."""

    platform: Platform
    principal: Principal

    @property
    def tenant(self) -> TenantRef:
        tenant = current_context().tenant
        if tenant is None:
            raise RuntimeError("an MCP call runs in its key's tenant")
        return tenant


class NoArguments(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


# Called with the parsed arguments (an instance of the tool's ``arguments`` struct); the
# answer is encoded with msgspec.
McpHandler = Callable[[McpCall, Any], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class McpTool:
    name: str
    description: str
    arguments: type[msgspec.Struct]
    handler: McpHandler
    # The mirrored REST route's permission; None: any valid key (public reads).
    permission: str | None = None
    # The module whose tenants may call it; the registry sets it to the declaring module.
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
