"""The outbox's state, for platform administrators (as ``/api/admin/events``)."""

from __future__ import annotations

from rustok.outbox.service import OutboxStatus, outbox_status
from rustok.web.mcp import McpCall, McpTool, NoArguments


async def read_outbox_status(call: McpCall, args: NoArguments) -> OutboxStatus:
    return await outbox_status(call.platform)


OUTBOX_TOOLS = (
    McpTool(
        "outbox_status", "Pending and failed outbox events, the oldest pending age, and per "
        "consumer what it has not handled. Platform administrators (logs:read, default "
        "tenant).", NoArguments, read_outbox_status, permission="logs:read",
        default_tenant_only=True,
    ),
)  # fmt: skip
