"""The ``/api/graphql`` route, registered without the GraphQL libraries (issue 13).

Strawberry, graphql-core and every module's GraphQL types were a fifth of a worker's imports,
and a worker that serves only REST never needs them. The route's handlers hand each request
to the GraphQL view (``graphql_transport``: strawberry's Litestar view with its schema): the
first request imports and builds it off the event loop (``graphql_lazy``), the others call
the built one (the API docs read what it raises from its class: ``openapi_problems``).
``OPTIONS`` lists every method (Litestar's own handler, made before the POST route was
added, listed ``GET, OPTIONS`` only).
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

import msgspec
from litestar import Controller, Request, Response, WebSocket, get, post, route, websocket
from litestar.enums import HttpMethod
from litestar.exceptions import NotFoundException, ValidationException
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from rustok.api.graphql_lazy import LazySchema
from rustok.core.platform import Platform

GRAPHQL_PATH = "/api/graphql"
ALLOWED_METHODS = "GET, POST, OPTIONS"


class GraphQLResource(msgspec.Struct):
    """A GraphQL answer, for the API docs (strawberry's type of the same name and shape)."""

    data: dict[str, object] | None
    errors: list[object] | None
    extensions: dict[str, object] | None


class GraphQLView(Protocol):
    """What answers the route's requests (``graphql_transport.GraphQLTransport``)."""

    async def answer(self, request: Request[Any, Any, Any]) -> Response[Any]: ...

    async def answer_socket(self, socket: WebSocket[Any, Any, Any]) -> None: ...


class GraphQLRoute(Controller):
    """GraphQL itself: GET serves GraphiQL's page and GET-transported queries, POST the rest.

    Open at the HTTP level (fields carry their own permissions); a token still identifies
    the caller, and a bad one is refused with 401 like on any route.
    """

    path = GRAPHQL_PATH
    opt: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        "public": True,
        "optional_auth": True,
        "http_only": "GraphQL itself",
    }
    view: ClassVar[LazySchema[GraphQLView]]  # set by graphql_route()

    @get(raises=[ValidationException, NotFoundException])
    async def handle_http_get(
        self, request: Request[Any, Any, Any]
    ) -> Response[GraphQLResource | str]:
        return await (await self.view.ready()).answer(request)

    @post(status_code=HTTP_200_OK)
    async def handle_http_post(
        self, request: Request[Any, Any, Any]
    ) -> Response[GraphQLResource | str]:
        return await (await self.view.ready()).answer(request)

    @websocket()
    async def websocket_endpoint(self, socket: WebSocket[Any, Any, Any]) -> None:
        await (await self.view.ready()).answer_socket(socket)

    # Named to sort first: a controller registers its handlers by name, and an OPTIONS one
    # registered after GET is shadowed by the handler Litestar makes with the GET route.
    @route(http_method=HttpMethod.OPTIONS, include_in_schema=False)
    async def allow_options(self) -> Response[None]:
        return Response(None, status_code=HTTP_204_NO_CONTENT, headers={"Allow": ALLOWED_METHODS})


def graphql_route(platform: Platform) -> type[GraphQLRoute]:
    """The route of ``platform``'s GraphQL API; its view is made by the first request.

    A module's own scalars are checked here, at start-up (their definitions are already
    imported: the module made them); the rest of the schema, its types and the permissions
    its fields ask for, when the first request builds it.
    """
    if any(module.graphql_scalars for module in platform.modules):
        from rustok.api.graphql import module_scalars

        module_scalars(platform)
    view: LazySchema[GraphQLView] = LazySchema(lambda: _view(platform))
    return type("GraphQLController", (GraphQLRoute,), {"view": view})


def _view(platform: Platform) -> GraphQLView:
    from rustok.api.graphql import graphql_view  # the GraphQL libraries: here, once

    return graphql_view(platform)
