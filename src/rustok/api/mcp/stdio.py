"""``rustok mcp``: the MCP server over stdin/stdout for one API key (M-1).

The key is checked at start (a bad, revoked or expired one stops the command) and again on
every call, through the same cache as the HTTP server: this process polls the principal
changes too, so a revocation or a demotion of the key's creator holds at the next call
within a second. Writes go through units of work whose events the running servers' relays
pick up, as with every command.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mcp.server.stdio import stdio_server

from rustok.api.mcp.registry import tools_for
from rustok.api.mcp.server import Caller, build_server
from rustok.auth.auth_runtime import AuthRuntime
from rustok.bootstrap import bootstrap
from rustok.core.context import RequestContext, TenantRef, current_context, use_context
from rustok.core.ids import id_to_ulid, new_id
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.migrations import ensure_schema_current
from rustok.rbac.principal import Principal
from rustok.tenancy.errors import TenantDisabled, TenantNotFound


async def _tenant(platform: Platform, tenant_id: uuid.UUID) -> TenantRef:
    assert platform.tenants is not None  # bootstrap attaches the directory
    tenant = await platform.tenants.by_id(tenant_id)
    if tenant is None:
        raise TenantNotFound("the key's tenant no longer exists")
    if not tenant.is_active:
        raise TenantDisabled(f"tenant {tenant.slug!r} is disabled")
    return tenant


def key_caller(platform: Platform, auth: AuthRuntime, key: str) -> Caller:
    """The key's principal in its tenant, checked afresh for each call."""

    @asynccontextmanager
    async def caller() -> AsyncIterator[Principal]:
        record = await auth.keys.verify(key)
        tenant = await _tenant(platform, record.tenant_id)
        with use_context(RequestContext(request_id=id_to_ulid(new_id()), tenant=tenant)):
            principal = await auth.keys.principal(record)
            with use_context(current_context().with_actor(principal.user_id, record.id)):
                yield principal

    return caller


async def serve_stdio(settings: Settings, key: str) -> None:
    platform = bootstrap(settings)
    tasks: list[asyncio.Task[None]] = []
    try:
        await ensure_schema_current(platform.db)
        auth = AuthRuntime.build(platform)
        caller = key_caller(platform, auth, key)
        async with caller():  # refuse a bad key before serving
            pass
        tasks = [
            asyncio.create_task(auth.sessions.watcher.run(), name="principal-changes"),
            asyncio.create_task(auth.keys.usage.run(), name="api-key-usage"),
        ]
        server = build_server(platform, tools_for(platform.modules), caller)
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await platform.aclose()
