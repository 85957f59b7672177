"""The ``/admin`` router: the shell's pages, the dashboard and every module's admin pages.

Each module's pages sit in a router of their own behind ``module_enabled`` (404 for tenants
that disabled the module, as its REST routes). All of them share the session middleware,
the CSRF guard and the error pages; the app-wide guard checks each page's permission.
"""

from __future__ import annotations

from typing import Any

from litestar.static_files import create_static_files_router

from rustok.api.admin.dashboard import dashboard
from rustok.api.admin.errors import admin_exception_handler
from rustok.api.admin.middleware import ADMIN_ACCESS, ADMIN_ACCESS_OPT, AdminSessionMiddleware
from rustok.api.admin.platform import PLATFORM_HANDLERS, PLATFORM_SCREENS, PLATFORM_TEMPLATES
from rustok.api.admin.routes import AdminShellController
from rustok.api.admin.tenant_switch import switch_tenant
from rustok.api.fresh_router import FreshRouter
from rustok.api.route_catalogue import MODULE_OPT
from rustok.core.platform import Platform
from rustok.web.admin.csrf import check_csrf
from rustok.web.admin.i18n import Catalogues
from rustok.web.admin.render import ADMIN_PATH, PLATFORM, AdminUi, NavEntry
from rustok.web.guards import module_enabled

STATIC_PATH = "/admin/static"
STATIC_DIR = AdminUi.static_dir()


def admin_ui_of(platform: Platform) -> AdminUi:
    modules = [m for m in platform.modules if m.admin is not None]
    templates = [m.admin.templates for m in modules if m.admin and m.admin.templates]
    locales = {m.slug: m.admin.locale for m in modules if m.admin and m.admin.locale}
    return AdminUi(
        [PLATFORM_TEMPLATES, *templates],
        [
            *(NavEntry(m.slug, s) for m in modules if m.admin for s in m.admin.screens),
            *(NavEntry(PLATFORM, s) for s in PLATFORM_SCREENS),
        ],
        Catalogues(locales),
    )


def admin_routers(platform: Platform) -> list[Any]:
    """The admin router and its static files (outside it: no session needed)."""
    modules: list[Any] = [
        FreshRouter(
            path="/",
            route_handlers=m.admin.handler_list(),
            guards=[module_enabled(m.slug)],
            opt={MODULE_OPT: m.slug},
        )
        for m in platform.modules
        if m.admin is not None and m.admin.handlers
    ]
    admin = FreshRouter(
        path="/", route_handlers=[
            AdminShellController, dashboard, switch_tenant, *PLATFORM_HANDLERS, *modules,
        ],
        guards=[check_csrf], middleware=[AdminSessionMiddleware()],
        exception_handlers={Exception: admin_exception_handler}, include_in_schema=False,
        opt={ADMIN_ACCESS_OPT: ADMIN_ACCESS},
    )  # fmt: skip
    static = create_static_files_router(
        path=STATIC_PATH, directories=[STATIC_DIR], include_in_schema=False,
        opt={"public": True}, cache_control=None, router_class=FreshRouter,
    )  # fmt: skip
    return [admin, static]


__all__ = ["ADMIN_PATH", "admin_routers", "admin_ui_of"]
