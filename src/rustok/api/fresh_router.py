"""A router registered as it is, not as a deep copy of itself.

Litestar deep-copies every ``Router`` registered on an app or on another router, so that a
router shared by several apps keeps no state of one in the other. The routers of
``build_litestar`` are built for the one app they join and held by nothing else: each
module's router and its admin pages', the admin router and the static-file routers. Copying
them copied every handler in them (its function, signature and layered parameters), a
third of the app's build at start-up (the admin router, holding the modules' admin
routers, was copied twice). Their handlers are still Litestar's own copies, made when each
was registered on the router, so a handler object a module declares is never shared
between two apps either.
"""

from __future__ import annotations

from typing import Any, Self

from litestar import Router


class FreshRouter(Router):
    """A ``Router`` built for one registration: that registration takes it, uncopied."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self
