"""HTTP route handlers made ready for requests when their route is first used (issue 13).

Registering a handler, Litestar parses its signature (the type hints of every parameter,
evaluated from strings), builds its signature model and the model of its arguments
(dependencies, path, query, headers, body): some 0.4 ms a handler, about 150 ms of each
worker's start for the API's ~370 handlers, though a worker serving the storefront uses a
handful of them. :func:`register_routes` registers as Litestar's ``register`` does, except
that an HTTP route's handlers get that work done when the route is first read for use: the
first request routed to it, or whatever lists its handlers with their argument models (the
OpenAPI document). Everything that routing and the start-up checks read is done at
registration as before: the paths, methods and route tree (405 and 404 answers unchanged),
each handler's middleware, guards, options (``opt``, merged from its layers) and whether it
is in the schema. Preparing a route runs Litestar's own steps in Litestar's order
(``on_registration`` for each of its handlers, then its handler map), so the route is then
exactly what an eagerly registered one is; a handler that Litestar would refuse is refused
by the first request for it (``tests/api/test_handlers_on_first_use.py`` prepares every
route of the app, as start-up did).
"""

from __future__ import annotations

import threading
from collections.abc import ItemsView, Iterator, KeysView, ValuesView
from typing import TYPE_CHECKING, Any

from litestar._asgi.utils import get_route_handlers
from litestar.exceptions import ImproperlyConfiguredException
from litestar.handlers import HTTPRouteHandler
from litestar.router import Router
from litestar.routes import HTTPRoute, WebSocketRoute

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar._kwargs import KwargsModel
    from litestar.types import ControllerRouterHandler, Method

    HandlerMap = dict[Method, tuple[HTTPRouteHandler, KwargsModel]]

# One preparation at a time: a route may be first read on the event loop and, at once, by
# the OpenAPI document built in a thread.
_PREPARING = threading.Lock()


_NOT_YET: Any = None  # the arguments' model in a pending map


class HandlersOnFirstUse(dict["Method", tuple[HTTPRouteHandler, "KwargsModel"]]):
    """An HTTP route's ``route_handler_map`` until the route is prepared: method → (handler,
    None). While its route is being registered it reads as it is (the route tree and the
    plugins take the handlers); after that, the first read prepares the route, which then
    holds its finished map (a plain dict), and answers from that map."""

    __slots__ = ("_app", "_registered", "_route")

    def __init__(self, app: Litestar, route: HTTPRoute) -> None:
        super().__init__()
        self._app = app
        self._route = route
        self._registered = False
        for handler in route.route_handlers:
            for method in handler.http_methods:
                if dict.get(self, method):  # Litestar's check, at registration as before
                    raise ImproperlyConfiguredException(
                        f"Handler already registered for path {route.path!r} and http method "
                        f"{method}"
                    )
                dict.__setitem__(self, method, (handler, _NOT_YET))

    def registered(self) -> None:
        self._registered = True

    def _ready(self) -> HandlerMap:
        if not self._registered:
            return self
        return prepare_route(self._app, self._route)

    def __getitem__(self, method: Method) -> tuple[HTTPRouteHandler, KwargsModel]:
        return dict.__getitem__(self._ready(), method)

    def get(self, method: Method, default: Any = None) -> Any:
        return dict.get(self._ready(), method, default)

    def __contains__(self, method: object) -> bool:
        return dict.__contains__(self._ready(), method)

    def __iter__(self) -> Iterator[Method]:
        return dict.__iter__(self._ready())

    def __len__(self) -> int:
        return dict.__len__(self._ready())

    def keys(self) -> KeysView[Method]:  # type: ignore[override]
        return dict.keys(self._ready())

    def values(self) -> ValuesView[tuple[HTTPRouteHandler, KwargsModel]]:  # type: ignore[override]
        return dict.values(self._ready())

    def items(self) -> ItemsView[Method, tuple[HTTPRouteHandler, KwargsModel]]:  # type: ignore[override]
        return dict.items(self._ready())


def prepare_route(app: Litestar, route: HTTPRoute) -> HandlerMap:
    """Finish ``route``'s registration (once) as Litestar's ``register`` would have; its map."""
    with _PREPARING:
        if isinstance(route.route_handler_map, HandlersOnFirstUse):
            for handler in route.route_handlers:
                handler.on_registration(app)
            # HTTPRoute.create_handler_map's work (its duplicate check was made at
            # registration), into a map of its own: a request reading the route's map while
            # this runs in another thread sees the pending one, never a half-filled one.
            ready: HandlerMap = {}
            for handler in route.route_handlers:
                arguments = handler.create_kwargs_model(path_parameters=route.path_parameters)
                for method in handler.http_methods:
                    ready[method] = (handler, arguments)
            route.route_handler_map = ready
        return route.route_handler_map


def is_prepared(route: HTTPRoute) -> bool:
    return not isinstance(route.route_handler_map, HandlersOnFirstUse)


def register_routes(app: Litestar, value: ControllerRouterHandler) -> None:
    """Litestar's ``Litestar.register``, its HTTP routes' handlers prepared on first use."""
    routes = Router.register(app, value=value)
    pending: list[HandlersOnFirstUse] = []
    for route in routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                handler.resolve_opts()  # what the start-up checks and guards read
            handlers = HandlersOnFirstUse(app, route)
            route.route_handler_map = handlers
            pending.append(handlers)
        else:
            for route_handler in get_route_handlers(route):
                route_handler.on_registration(app)
            if isinstance(route, WebSocketRoute):
                route.handler_parameter_model = route.route_handler.create_kwargs_model(
                    path_parameters=route.path_parameters
                )
        for plugin in app.plugins.receive_route:
            plugin.receive_route(route)
    app.asgi_router.construct_routing_trie()
    for registered in pending:
        registered.registered()
