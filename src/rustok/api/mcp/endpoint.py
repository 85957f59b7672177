"""``/mcp``: the MCP server over streamable HTTP inside the app (M-1, T-8).

The tenant middleware has verified the request's API key and chosen the key's tenant (401
without a key); here the key becomes its principal (its creator's grants, current) and the
request goes to the SDK's session manager, stateless with JSON answers: every POST carries
its own key, so revocation holds at the next call, and any worker or instance can serve it.
The body is read here first, up to ``RUSTOK_MAX_BODY_SIZE`` whether or not it announced a
length (413 problem), and scanned for nesting deeper than ``RUSTOK_MAX_JSON_DEPTH`` (400
``NESTING_TOO_DEEP``) before the SDK parses it; then it is handed on unchanged.

Only ``POST /mcp`` is served: a stateless server has no stream for a ``GET`` to open (the
SDK's would stay open forever) and no session for a ``DELETE`` to end, so both answer 405, as
the transport allows; other paths under ``/mcp`` answer 404, and a body announced larger
than ``RUSTOK_MAX_BODY_SIZE`` 413, as problems like every other refusal here.

The SDK (``server.py``) is imported, off the event loop, when ``/mcp`` is first asked for;
its session manager then runs in a task of its own until the app shuts down.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from rustok.api.mcp.registry import tools_for
from rustok.api.mcp.tools import MCP_PRINCIPAL
from rustok.api.problems import PROBLEM_MEDIA_TYPE, build_problem, problem_bytes
from rustok.api.tenant_middleware import MCP_PATH, is_mcp
from rustok.auth.api_keys.cache import KeyRecord
from rustok.auth.api_keys.errors import InvalidApiKey
from rustok.auth.auth_runtime import AuthRuntime
from rustok.auth.guard import API_KEY_STATE
from rustok.core.context import current_context, reset_context, set_context
from rustok.core.errors import NotFound, PayloadTooLarge, RustokError, Unauthenticated
from rustok.core.platform import Platform
from rustok.core.validation import NestingTooDeep, json_depth_exceeds
from rustok.rbac.principal import Principal

if TYPE_CHECKING:
    from rustok.core.types import ASGIApp, Message, Receive, Scope, Send


class McpMethodNotAllowed(RustokError):
    status = 405
    code = "METHOD_NOT_ALLOWED"
    title = "Method not allowed"


MCP_ROUTES = (MCP_PATH, MCP_PATH + "/")


def _check_request(scope: Scope, max_body_size: int) -> None:
    if scope["path"] not in MCP_ROUTES:
        raise NotFound("the MCP endpoint is /mcp")
    if scope["method"] != "POST":
        raise McpMethodNotAllowed(
            "the MCP endpoint is stateless: POST only", headers={"Allow": "POST"}
        )
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > max_body_size:
            raise PayloadTooLarge(f"the body is larger than {max_body_size} bytes")


@asynccontextmanager
async def request_caller() -> AsyncIterator[Principal]:
    """The principal the endpoint authenticated for this request."""
    principal = MCP_PRINCIPAL.get()
    if principal is None:
        raise Unauthenticated("no API key for this MCP request")
    yield principal


class McpEndpoint:
    def __init__(self, platform: Platform, auth: AuthRuntime) -> None:
        self._platform = platform
        self._auth = auth
        # Built now, so that a module's bad tool stops the app at start, not at first use.
        self._tools = tools_for(platform.modules)
        self._manager: Any = None
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    @property
    def loaded(self) -> bool:
        return self._manager is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] in MCP_ROUTES:
            # Litestar's router never sees /mcp: name the route for the request's server
            # span and HTTP metrics, which otherwise file it under "<unmatched>".
            scope["path_template"] = MCP_PATH
        record = scope.get("state", {}).get(API_KEY_STATE)
        settings = self._platform.settings
        try:
            if not isinstance(record, KeyRecord):
                raise InvalidApiKey("the MCP endpoint needs an API key (X-Api-Key)")
            principal = await self._auth.keys.principal(record)
            _check_request(scope, settings.max_body_size)
            body = await _read_body(receive, settings.max_body_size)
            if json_depth_exceeds(body, settings.max_json_depth):
                raise NestingTooDeep(
                    f"the JSON body nests arrays and objects deeper than "
                    f"{settings.max_json_depth} levels"
                )
        except RustokError as exc:
            await _send_problem(send, scope["path"], exc)
            return
        manager = await self._started()
        context = set_context(current_context().with_actor(principal.user_id, record.id))
        caller = MCP_PRINCIPAL.set(principal)
        try:
            await manager.handle_request(scope, _replay(body, receive), send)
        finally:
            MCP_PRINCIPAL.reset(caller)
            reset_context(context)

    async def _started(self) -> Any:
        if self._manager is not None:
            return self._manager
        async with self._lock:
            if self._manager is None:
                # ~2 s of imports: in a thread, so the loop keeps serving meanwhile.
                server = await asyncio.to_thread(importlib.import_module, "rustok.api.mcp.server")
                mcp_server = server.build_server(self._platform, self._tools, request_caller)
                manager = server.http_session_manager(
                    mcp_server, self._platform.settings.max_body_size
                )
                ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                # A clean context: the manager outlives the request that started it.
                self._task = asyncio.create_task(
                    self._run(manager, ready), name="mcp-sessions", context=contextvars.Context()
                )
                await ready
                self._manager = manager
        return self._manager

    @staticmethod
    async def _run(manager: Any, ready: asyncio.Future[None]) -> None:
        try:
            async with manager.run():
                ready.set_result(None)
                await asyncio.Event().wait()  # until the app shuts down
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            raise

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


async def _read_body(receive: Receive, limit: int) -> bytes:
    """The whole request body, or 413 once it passes ``limit`` (chunked bodies too)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away: the SDK sees an empty body and the disconnect
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body is larger than {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """``receive`` that gives ``body`` first, then whatever the client sends next."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _send_problem(send: Send, path: str, exc: RustokError) -> None:
    body = problem_bytes(
        build_problem(
            status=exc.status, code=exc.code, title=exc.title, detail=exc.detail, instance=path
        )
    )
    await send(
        {
            "type": "http.response.start",
            "status": exc.status,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                *((k.lower().encode(), v.encode()) for k, v in exc.headers.items()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class McpMount:
    """Sends ``/mcp`` to the endpoint and everything else on (inside tenant resolution)."""

    def __init__(self, app: ASGIApp, endpoint: McpEndpoint) -> None:
        self.app = app
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_mcp(scope["path"]):
            await self.endpoint(scope, receive, send)
            return
        await self.app(scope, receive, send)
