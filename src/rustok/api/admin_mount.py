"""The admin UI's routes, registered on the app when a request first asks for ``/admin``
(issue 13).

Its pages are some 200 of the app's 580 route handlers: importing them (and the form, list
and translation kit behind them) and registering them cost each worker about a sixth of its
start, and the memory they hold, though a worker serving the storefront and the API never
shows a page. :class:`AdminMount` is kept in the app state in their place: the first request
for ``/admin`` or below imports the pages and builds their routers in a thread (the event
loop keeps serving), then registers them on the app (Litestar's ``register``, on the loop,
so that no request is being routed meanwhile), checks their permissions as start-up checks
the API's, and lets the ids in their paths be written as ULIDs. The app then routes exactly
as one built with them: the same routes in the same order. Whatever reads every route (the
route catalogue, ``rustok routes``) mounts them first.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any

from litestar import Litestar

from rustok.api.guard_calls import guards_without_copies
from rustok.api.permission_check import permissions_of, refuse_undeclared
from rustok.core.platform import Platform

if TYPE_CHECKING:
    from rustok.api.id_paths import UlidPathIds
    from rustok.core.types import ASGIApp, Receive, Scope, Send

ADMIN_PATH = "/admin"  # rustok.web.admin.render's, named here so that this imports none of it
ADMIN_MOUNT_STATE_KEY = "admin_mount"


def is_admin_path(path: str) -> bool:
    return path == ADMIN_PATH or path.startswith(ADMIN_PATH + "/")


class AdminMount:
    """The admin's routers for one app, registered on it once (whichever thread asks)."""

    def __init__(self, litestar: Litestar, platform: Platform) -> None:
        self._litestar = litestar
        self._platform = platform  # its modules' pages and translations
        self._lock = threading.Lock()
        self._parts: tuple[list[Any], Any] | None = None  # the routers and the AdminUi
        self._paths: tuple[str, ...] | None = None

    @property
    def mounted(self) -> bool:
        return self._paths is not None

    def mount(self) -> tuple[str, ...]:
        """Register the admin's routes (the first call); the paths of its routes."""
        paths = self._paths
        if paths is None:
            self._prepare()
            with self._lock:
                if self._paths is None:
                    self._paths = self._register()
                paths = self._paths
        return paths

    async def mount_serving(self) -> tuple[str, ...]:
        """:meth:`mount` from a request: the imports run in a thread, the registration here."""
        if self._paths is None and self._parts is None:
            await asyncio.to_thread(self._prepare)
        return self.mount()

    def _prepare(self) -> None:
        with self._lock:
            if self._parts is None:
                from rustok.api.admin.router import admin_routers, admin_ui_of

                self._parts = (admin_routers(self._platform), admin_ui_of(self._platform))

    def _register(self) -> tuple[str, ...]:
        assert self._parts is not None
        from rustok.web.admin.render import ADMIN_UI_STATE_KEY

        routers, ui = self._parts
        app = self._litestar
        app.state[ADMIN_UI_STATE_KEY] = ui
        for router in routers:
            app.register(router)
        routes = [route for route in app.routes if is_admin_path(route.path)]
        refuse_undeclared(permissions_of(routes), self._platform)
        guards_without_copies(app)
        return tuple(route.path for route in routes)


def admin_mount_of(app: Litestar) -> AdminMount | None:
    mount = app.state.get(ADMIN_MOUNT_STATE_KEY)
    return mount if isinstance(mount, AdminMount) else None


def with_admin(app: Litestar) -> Litestar:
    """``app`` with the admin's routes registered (for whatever reads every route)."""
    if (mount := admin_mount_of(app)) is not None:
        mount.mount()
    return app


class AdminOnFirstUse:
    """Mounts the admin when a request first asks for it, then only passes requests on."""

    def __init__(self, app: ASGIApp, mount: AdminMount, ulid_paths: UlidPathIds) -> None:
        self.app = app
        self._mount = mount
        self._ulid_paths = ulid_paths
        self._done = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._done and scope["type"] == "http" and is_admin_path(scope["path"]):
            self._ulid_paths.add(await self._mount.mount_serving())
            self._done = True
        await self.app(scope, receive, send)
