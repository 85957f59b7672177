"""HTTP for ``/api/graphql``: what strawberry's Litestar view answers in plain text becomes
problem+json (ER-1), like every other route.

- a body that is not JSON: 400 ``MALFORMED_BODY``; one nested too deeply to be read (about
  1,000 levels): 400 ``NESTING_TOO_DEEP`` (shallower but still too deep variables are a
  GraphQL error, see ``graphql_limits``);
- a ``POST`` whose content type is not ``application/json``: 415 ``UNSUPPORTED_MEDIA_TYPE``;
- a ``GET`` without a query while GraphiQL is off: 404 ``NOT_FOUND``; other transport
  errors (no query, a mutation over ``GET``, a batch): 400 ``BAD_REQUEST``;
- ``OPTIONS`` lists every method (Litestar's own handler, made before the POST route was
  added, listed ``GET, OPTIONS`` only);
- a query for read-model fields only is answered from the answer cache the second time
  (``graphql_answers``).
"""

from __future__ import annotations

from typing import Any

import msgspec
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from litestar import Request, Response, route
from litestar.enums import HttpMethod
from litestar.exceptions import HTTPException as LitestarHTTPException
from litestar.status_codes import HTTP_204_NO_CONTENT, HTTP_404_NOT_FOUND
from strawberry.http import GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.litestar.controller import GraphQLController, GraphQLResource

from rustok.api.graphql_answers import answers_of, cached_response
from rustok.api.graphql_lazy import LazySchema
from rustok.api.graphql_limits import NestingTooDeep
from rustok.core.errors import BadRequest, NotFound, RustokError
from rustok.web.deps import platform_from_state

ALLOWED_METHODS = "GET, POST, OPTIONS"


class MalformedBody(BadRequest):
    code = "MALFORMED_BODY"
    title = "Malformed request body"


class UnsupportedMediaType(RustokError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"
    title = "Unsupported media type"


class GraphQLTransport(GraphQLController):
    """Strawberry's Litestar controller with our errors; the app makes it concrete."""

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
        if isinstance(lazy := self.schema, LazySchema):
            await lazy.ready()  # the first request builds it, off the event loop
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
            answers.keep(request, lookup, lambda q: documents.check(q).document, body)
        return response

    @route(http_method=HttpMethod.OPTIONS, include_in_schema=False)
    async def handle_http_options(self) -> Response[None]:
        return Response(None, status_code=HTTP_204_NO_CONTENT, headers={"Allow": ALLOWED_METHODS})
