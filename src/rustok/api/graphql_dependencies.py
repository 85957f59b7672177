"""The GraphQL route's dependencies, resolved one after the other on the event loop.

Strawberry's Litestar controller declares ``custom_context``, ``root_value`` and ``response``
side by side, the last one run in a worker thread: Litestar resolves a group of sibling
dependencies in an anyio task group, so every GraphQL request paid a task group, three tasks
and a thread hop before its answer cache could even be asked (about a quarter of a cached
GraphQL answer). Here each dependency takes the previous one, so every group holds one and
is simply awaited, and the synchronous ones run inline (they only build objects).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response
from litestar.background_tasks import BackgroundTasks
from litestar.di import Provide
from strawberry.litestar.controller import _context_getter_http


def _response(custom_context: Any) -> Response[Any]:
    """What strawberry's ``_response_getter`` makes (the sub-response resolvers may set)."""
    return Response({}, background=BackgroundTasks([]))


def _root_value(response: Response[Any]) -> None:
    return None


async def _context(
    custom_context: Any, response: Response[Any], request: Request[Any, Any, Any], root_value: None
) -> Any:
    return await _context_getter_http(custom_context, response, request)


def http_dependencies(
    context_getter: Callable[[Request[Any, Any, Any]], Awaitable[Any]],
) -> dict[str, Provide]:
    """The HTTP handlers' dependencies, chained: custom context → response → root value →
    merged context (``context_ws``, for websockets, stays strawberry's)."""
    return {
        "custom_context": Provide(context_getter),
        "response": Provide(_response, sync_to_thread=False),
        "root_value": Provide(_root_value, sync_to_thread=False),
        "context": Provide(_context),
    }
