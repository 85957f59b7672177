"""HTTP for ``/api/graphql``: strawberry's Litestar view, called by the route
(``graphql_route``) once the first request has built it, and what it answers in plain text
becomes problem+json (ER-1), like every other route.

- a body that is not JSON: 400 ``MALFORMED_BODY``; one nested too deeply to be read (about
  1,000 levels): 400 ``NESTING_TOO_DEEP`` (shallower but still too deep variables are a
  GraphQL error, see ``graphql_limits``);
- a ``POST`` whose content type is not ``application/json``: 415 ``UNSUPPORTED_MEDIA_TYPE``;
- a ``GET`` without a query while GraphiQL is off: 404 ``NOT_FOUND``; other transport
  errors (no query, a mutation over ``GET``, a batch): 400 ``BAD_REQUEST``;
- a query for read-model fields only is answered from the answer cache the second time
  (``graphql_answers``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from litestar import Request, Response, WebSocket
from litestar.background_tasks import BackgroundTasks
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException as LitestarHTTPException
from litestar.status_codes import HTTP_404_NOT_FOUND
from strawberry.http import GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.litestar.controller import (
    GraphQLController,
    GraphQLResource,
    _context_getter_http,
    _context_getter_ws,
)

from rustok.api.graphql_answers import answers_of, cached_response
from rustok.api.graphql_documents import root_fields
from rustok.api.graphql_limits import NestingTooDeep
from rustok.core.errors import BadRequest, NotFound, RustokError
from rustok.web.deps import platform_from_state


class MalformedBody(BadRequest):
    code = "MALFORMED_BODY"
    title = "Malformed request body"


class UnsupportedMediaType(RustokError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"
    title = "Unsupported media type"


class GraphQLTransport(GraphQLController):
    """Strawberry's Litestar controller with our errors; the app makes it concrete.

    It is not registered as a route: the route calls :meth:`answer` and
    :meth:`answer_socket`, which do what strawberry's handlers and their dependencies did.
    The context is made in line (Litestar resolved the handlers' sibling dependencies in a
    task group, with the sub-response made in a worker thread: about a quarter of a cached
    GraphQL answer).
    """

    # The request's GraphQL context (``GraphQLContext``), set by the app.
    custom_context: Callable[[ASGIConnection[Any, Any, Any, Any]], Awaitable[Any]]

    async def answer(self, request: Request[Any, Any, Any]) -> Response[GraphQLResource | str]:
        # The sub-response resolvers may set (headers, cookies), as strawberry makes it.
        response: Response[Any] = Response({}, background=BackgroundTasks([]))
        context = await _context_getter_http(await self.custom_context(request), response, request)
        self.temporal_response = response
        return await self.execute_request(request, context, None)

    async def answer_socket(self, socket: WebSocket[Any, Any, Any]) -> None:
        context = await _context_getter_ws(await self.custom_context(socket), socket)
        await self.run(request=socket, context=context, root_value=None)  # type: ignore[call-overload]  # strawberry's overloads take no context

    def encode_json(self, data: object) -> bytes:
        # msgspec: the same JSON as json.dumps (UTF-8 rather than \u escapes), several times
        # faster on a page of products.
        return msgspec.json.encode(data)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return msgspec.json.decode(data)
        except msgspec.DecodeError as exc:
            raise MalformedBody(f"the request body is not valid JSON: {exc}") from None
        except RecursionError:
            pass  # raised below, without the frames of the recursion
        raise NestingTooDeep("the request body nests too deeply to be read")

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            content_type, _ = parse_content_type(request.content_type or "")
            if content_type != "application/json":
                raise UnsupportedMediaType(
                    f"send GraphQL requests as application/json, not {content_type or 'nothing'}"
                )
        return await super().parse_http_body(request)

    async def execute_request(
        self, request: Request[Any, Any, Any], context: Any, root_value: Any
    ) -> Response[GraphQLResource | str]:
        answers = answers_of(platform_from_state(request.app.state))
        lookup = await answers.lookup(request) if answers.enabled else None
        if lookup is not None and lookup.answer is not None:
            return cached_response(lookup.answer)  # type: ignore[return-value]
        try:
            response = await self.run(request, context=context, root_value=root_value)
        except HTTPException as exc:
            if exc.status_code == HTTP_404_NOT_FOUND:
                raise NotFound(
                    "no GraphQL query in the request (GraphiQL is not enabled here)"
                ) from None
            raise LitestarHTTPException(status_code=exc.status_code, detail=exc.reason) from None
        body = response.content
        kept = response.status_code == 200 and isinstance(body, bytes) and not response.cookies
        if lookup is not None and kept:
            documents = self.schema.documents  # type: ignore[attr-defined]
            answers.keep(
                request, lookup, lambda q, name: root_fields(documents.check(q).document, name),
                body,
            )  # fmt: skip
        return response
