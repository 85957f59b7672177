"""Route guards called with the route handler itself, not a fresh copy of it.

Litestar's ``authorize_connection`` hands every guard ``copy(handler)``: a shallow copy of an
object of some sixty attributes, made through ``__reduce_ex__`` — about 15 µs per guard and
request, and a module's routes have two guards (the module switch and the permission check),
a tenth of a cached storefront read. The copy protects nothing our guards need: they only read
the handler (its ``opt``, which a shallow copy shares anyway). So every HTTP route handler of
the built app gets an ``authorize_connection`` that passes the handler as it is: as an
instance attribute (``@get`` and its siblings), or, for handlers of a class with slots only,
through a subclass of that class adding no slots (the same layout). Litestar's classes and
other apps' handlers are left alone.
"""

from __future__ import annotations

from types import MethodType
from typing import Any

from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.routes import HTTPRoute


async def _authorize_connection(
    self: BaseRouteHandler, connection: ASGIConnection[Any, Any, Any, Any]
) -> None:
    for guard in self.resolve_guards():
        await guard(connection, self)  # type: ignore[misc]  # resolve_guards made them async


_SUBCLASSES: dict[type[BaseRouteHandler], type[BaseRouteHandler]] = {}


def _uncopying(cls: type[BaseRouteHandler]) -> type[BaseRouteHandler]:
    if cls in _SUBCLASSES.values():
        return cls
    if cls not in _SUBCLASSES:
        namespace = {"__slots__": (), "authorize_connection": _authorize_connection}
        _SUBCLASSES[cls] = type(cls.__name__, (cls,), namespace)
    return _SUBCLASSES[cls]


def guards_without_copies(app: Litestar) -> None:
    """Make every HTTP route handler of ``app`` call its guards without copying itself
    (once the app is built: a handler copied later would keep the bound original)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        # Its handlers, without readying them (handlers_on_first_use.py): the handler map's.
        for handler in route.route_handlers:
            if hasattr(handler, "__dict__"):
                handler.__dict__["authorize_connection"] = MethodType(
                    _authorize_connection, handler
                )
            else:
                handler.__class__ = _uncopying(type(handler))  # type: ignore[assignment]
