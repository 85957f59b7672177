"""The MCP server on the official SDK's low-level ``Server`` (M-1); the only module that
imports ``mcp``.

Every tool call and resource read runs inside ``caller()``: the key's principal in its
tenant (the ``/mcp`` request's, or re-checked per call over stdio, so a revoked key stops
at its next call). Results are the REST answers as JSON text and structured content; a
refused or failed call is a tool error carrying the REST ``code``, ``status`` and ``detail``
(as the SDK's own server answers an unknown tool). A resource read that fails is a JSON-RPC
error: ``INVALID_PARAMS`` for an unknown URI, ``INVALID_REQUEST`` for a refused key, with the
REST problem as ``data``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

import msgspec
from mcp import types
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.shared.exceptions import MCPError
from opentelemetry.trace import SpanKind, StatusCode

from rustok import __version__
from rustok.api.mcp.resources import (
    CATALOGUE_DESCRIPTION,
    CATALOGUE_MIME,
    CATALOGUE_NAME,
    CATALOGUE_URI,
    catalogue_text,
)
from rustok.api.mcp.tools import run_tool
from rustok.core.errors import NotFound, RustokError
from rustok.core.logging import get_logger
from rustok.core.platform import Platform
from rustok.core.tracing import child_span, current_span
from rustok.rbac.principal import Principal
from rustok.web.mcp import McpCall, McpTool

Caller = Callable[[], AbstractAsyncContextManager[Principal]]
Context = ServerRequestContext[Any, Any]
INSTRUCTIONS = (
    "RusToK: a multi-tenant content + commerce platform. You act with an API key in its "
    "tenant and with its permissions. Amounts are integer minor units (cents) with an "
    "upper-case currency_code. Writes create drafts; an admin publishes them."
)
_log = get_logger("rustok.mcp")


def _tool(tool: McpTool) -> types.Tool:
    return types.Tool(
        name=tool.name,
        description=tool.description,
        input_schema=tool.input_schema(),
        annotations=types.ToolAnnotations(
            read_only_hint=tool.read_only, destructive_hint=False, open_world_hint=False
        ),
    )


def _problem(exc: RustokError) -> dict[str, Any]:
    problem: dict[str, Any] = {"code": exc.code, "status": exc.status, "detail": exc.detail}
    if exc.errors:
        problem["errors"] = exc.errors
    return problem


def _refused(exc: RustokError) -> types.CallToolResult:
    problem = _problem(exc)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=msgspec.json.encode(problem).decode())],
        structured_content=problem,
        is_error=True,
    )


def _answer(value: object) -> types.CallToolResult:
    data = msgspec.to_builtins(value)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=msgspec.json.encode(data).decode())],
        structured_content=data if isinstance(data, dict) else {"items": data},
    )


async def message_span(ctx: Context, call_next: CallNext) -> HandlerResult:
    """Each MCP message a span of the request's trace (``tools/call search_products``).

    It replaces the SDK's own middleware, which starts its span through OpenTelemetry's
    global tracer provider: RusToK never sets that one, so the SDK's span was a no-op that
    hid the request's span, and the tool's SQL and child spans went unrecorded."""
    name = ctx.params.get("name") if ctx.params else None
    target = name if isinstance(name, str) else ""
    attributes = {"mcp.method.name": ctx.method}
    if ctx.method == "tools/call" and target:
        attributes["gen_ai.tool.name"] = target
    with child_span(f"{ctx.method} {target}".rstrip(), SpanKind.INTERNAL, **attributes):
        result = await call_next(ctx)
        span = current_span()
        if span is not None and isinstance(result, types.CallToolResult) and result.is_error:
            span.set_status(StatusCode.ERROR)
        return result


def build_server(platform: Platform, offered: Sequence[McpTool], caller: Caller) -> Server[Any]:
    """The server of ``offered`` (``registry.tools_for``), acting as ``caller``'s principal."""
    tools = {tool.name: tool for tool in offered}
    listed = [_tool(tool) for tool in tools.values()]

    async def list_tools(
        ctx: Context, params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=listed)

    async def call_tool(ctx: Context, params: types.CallToolRequestParams) -> types.CallToolResult:
        tool = tools.get(params.name)
        try:
            if tool is None:
                raise NotFound(f"no tool {params.name!r}")
            async with caller() as principal:
                call = McpCall(platform=platform, principal=principal)
                return _answer(await run_tool(tool, call, params.arguments or {}))
        except RustokError as exc:
            return _refused(exc)
        except Exception:  # noqa: BLE001 - a tool's bug is the caller's error, logged, not shown
            _log.exception("MCP tool failed", tool=params.name)
            return _refused(RustokError("the tool failed; the server log says why"))

    async def list_resources(
        ctx: Context, params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        return types.ListResourcesResult(
            resources=[
                types.Resource(
                    uri=CATALOGUE_URI, name=CATALOGUE_NAME, description=CATALOGUE_DESCRIPTION,
                    mime_type=CATALOGUE_MIME,
                )
            ]
        )  # fmt: skip

    async def read_resource(
        ctx: Context, params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        if str(params.uri) != CATALOGUE_URI:
            raise MCPError(types.INVALID_PARAMS, f"no resource {params.uri}")
        try:
            async with caller():
                text = catalogue_text()
        except RustokError as exc:
            raise MCPError(types.INVALID_REQUEST, exc.detail, data=_problem(exc)) from exc
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=CATALOGUE_URI, mime_type=CATALOGUE_MIME,
                                                 text=text)]
        )  # fmt: skip

    server: Server[Any] = Server(
        "rustok", version=__version__, title="RusToK", instructions=INSTRUCTIONS,
        on_list_tools=list_tools, on_call_tool=call_tool, on_list_resources=list_resources,
        on_read_resource=read_resource,
    )  # fmt: skip
    server.middleware = [message_span]
    return server


def http_session_manager(server: Server[Any], max_body_size: int) -> StreamableHTTPSessionManager:
    """Stateless JSON answers: each POST is served in its own request (with its key and
    tenant in the context), no session to pin to a worker or instance."""
    return StreamableHTTPSessionManager(
        app=server, json_response=True, stateless=True, max_request_body_size=max_body_size
    )
