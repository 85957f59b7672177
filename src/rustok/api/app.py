"""``create_app(settings)``: the ASGI application. All wiring happens here, none at import."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any

from litestar import Litestar
from litestar.di import Provide
from litestar.plugins import PluginProtocol
from litestar.plugins.core import MsgspecDIPlugin
from sqlalchemy.exc import DBAPIError

from rustok.api.access_log import AccessLog
from rustok.api.admin_mount import ADMIN_MOUNT_STATE_KEY, AdminMount, AdminOnFirstUse
from rustok.api.attrs_schemas import AttrsSchemasOnFirstUse, attrs_installed
from rustok.api.deps import TENANCY_STATE_KEY, auth_from_state, provide_auth, provide_tenancy
from rustok.api.docs import docs_assets_router, metrics, openapi_json, swagger_ui
from rustok.api.early_stop import resend_early_stop
from rustok.api.fresh_router import FreshRouter
from rustok.api.graphiql import graphiql_assets_router
from rustok.api.graphql_lazy import LazySchema
from rustok.api.graphql_route import graphql_route
from rustok.api.graphql_shortcut import GraphQLShortcut
from rustok.api.guard_calls import guards_without_copies
from rustok.api.handlers_on_first_use import register_routes
from rustok.api.head import HeadAsGet
from rustok.api.health import HealthController
from rustok.api.id_paths import UlidPathIds
from rustok.api.landing import landing
from rustok.api.mcp.endpoint import McpEndpoint, McpMount
from rustok.api.middleware import RequestContextMiddleware
from rustok.api.openapi import openapi_config
from rustok.api.permission_check import refuse_undeclared, route_permissions
from rustok.api.problems import problem_handler
from rustok.api.ratelimit import RateLimitMiddleware
from rustok.api.request_guard import RequestGuard
from rustok.api.route_catalogue import MODULE_OPT
from rustok.api.security import SecurityMiddleware
from rustok.api.sign_in_hint import invalid_credentials_handler
from rustok.api.tenant_middleware import TenantMiddleware
from rustok.auth.api_keys.routes import ApiKeyController
from rustok.auth.auth_runtime import AUTH_STATE_KEY, AuthRuntime
from rustok.auth.errors import InvalidCredentials
from rustok.auth.guard import authorize
from rustok.auth.routes import AuthController
from rustok.bootstrap import bootstrap
from rustok.core.db.outages import DatabaseUnavailable
from rustok.core.logging import get_logger
from rustok.core.net import TrustedProxies
from rustok.core.platform import Platform, ReadinessCheck
from rustok.core.settings import Settings
from rustok.mail.routes import MailsAdminController, MailTemplatesController
from rustok.migrations import ensure_schema_current
from rustok.outbox.routes import EventsAdminController
from rustok.tenancy.routes import (
    CurrentTenantController,
    ModulesController,
    StoreSettingsController,
    TenantAdminController,
)
from rustok.tenancy.tenancy_runtime import TenancyRuntime
from rustok.web.deps import (
    PLATFORM_STATE_KEY,
    platform_from_state,
    provide_platform,
    provide_principal,
)
from rustok.web.guards import module_enabled

if TYPE_CHECKING:
    from rustok.api.graphql_direct import DirectQueries
    from rustok.core.types import ASGIApp, Message, Receive, Scope, Send

Lifespan = Callable[[Litestar], AbstractAsyncContextManager[None]]
PLATFORM_ROUTES = [
    AuthController,
    CurrentTenantController,
    TenantAdminController,
    ModulesController,
    StoreSettingsController,
    EventsAdminController,
    MailTemplatesController,
    MailsAdminController,
    ApiKeyController,
]


class RustokApp:
    """The ASGI entry point: the outer middleware stack around the Litestar app.

    Outermost first: request context (id, trace, client address, metrics) → security headers
    and CORS → rate limits → tenant resolution (and API keys) → cached GraphQL answers
    (``graphql_shortcut.py``) → ``/mcp`` (the MCP endpoint) or ids in the path as ULIDs to
    UUIDs (``id_paths.py``) → HEAD as GET → Litestar (routing, auth guard, the request guard,
    handlers).
    """

    def __init__(
        self, litestar: Litestar, platform: Platform, tenancy: TenancyRuntime, auth: AuthRuntime,
        mcp: McpEndpoint,
    ) -> None:  # fmt: skip
        self.litestar = litestar
        self.platform = platform
        self.tenancy = tenancy
        self.auth = auth
        self.mcp = mcp
        settings = platform.settings
        inner: ASGIApp = HeadAsGet(litestar)  # type: ignore[arg-type]  # Litestar's Scope is a TypedDict
        ulid_paths = UlidPathIds(inner, [route.path for route in litestar.routes])
        inner = ulid_paths
        admin = litestar.state.get(ADMIN_MOUNT_STATE_KEY)
        if isinstance(admin, AdminMount):
            inner = AdminOnFirstUse(inner, admin, ulid_paths)
        inner = McpMount(inner, mcp)
        view = litestar.state.get(GRAPHQL_VIEW_STATE_KEY)

        def direct() -> DirectQueries | None:
            if not isinstance(view, LazySchema) or not view.built:
                return None
            from rustok.api.graphql_direct import DirectQueries  # GraphQL libraries: now

            return DirectQueries(view, platform, auth, tenancy)

        inner = GraphQLShortcut(inner, platform, direct)
        stack: ASGIApp = TenantMiddleware(inner, tenancy.resolver, auth.keys)
        stack = RateLimitMiddleware(stack, settings, auth.tokens, platform.redis, auth.keys)
        stack = SecurityMiddleware(stack, settings)
        self.access_log = AccessLog.of(settings)
        self._asgi = RequestContextMiddleware(
            stack, TrustedProxies(settings.trusted_proxies), access_log=self.access_log
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.litestar(scope, receive, self._flushing_at_shutdown(send))  # type: ignore[arg-type]
            return
        await self._asgi(scope, receive, send)

    def _flushing_at_shutdown(self, send: Send) -> Send:
        """The access lines still waiting are written before the shutdown is reported."""

        async def sending(message: Message) -> None:
            if message["type"].startswith("lifespan.shutdown") and self.access_log is not None:
                self.access_log.flush()
            await send(message)

        return sending


STATISTICS_EVERY_SECONDS = 3600.0
MCP_STATE_KEY = "mcp"
GRAPHQL_VIEW_STATE_KEY = "graphql_view"  # the GraphQL route's (lazy) view
_log = get_logger(__name__)


async def _refresh_statistics(platform: Platform) -> None:
    """At start-up and hourly: the planner's statistics follow the data as it grows."""
    while True:
        try:
            await platform.db.refresh_statistics()
        except (DBAPIError, OSError, DatabaseUnavailable) as exc:  # only delays the next one
            _log.warning("database statistics not refreshed", error=str(exc))
        await asyncio.sleep(STATISTICS_EVERY_SECONDS)


def create_app(settings: Settings, *, platform: Platform | None = None) -> RustokApp:
    platform = platform or bootstrap(settings)
    return bind_platform(build_litestar(settings, platform), platform)


def build_litestar(settings: Settings, platform: Platform) -> Litestar:
    """The routed Litestar app for the platform's modules (the costly part of ``create_app``).

    It serves whichever platform :func:`bind_platform` puts in its state, so one built app can
    serve a fresh platform of the same modules and settings (the tests do); the GraphQL schema,
    built on first use, reads the modules and settings of the ``platform`` given here.
    """
    module_routers = [
        FreshRouter(
            path="/",
            route_handlers=list(m.route_handlers),
            guards=[module_enabled(m.slug)],
            opt={MODULE_OPT: m.slug},  # whose routes (docs, the parity test)
        )
        for m in platform.modules
        if m.route_handlers
    ]
    litestar = _litestar(settings, platform, _lifespan, module_routers)
    refuse_undeclared(route_permissions(litestar), platform)
    guards_without_copies(litestar)
    litestar.state[ADMIN_MOUNT_STATE_KEY] = AdminMount(litestar, platform)
    return litestar


def bind_platform(litestar: Litestar, platform: Platform) -> RustokApp:
    """Serve ``platform`` with a built app: its runtimes in the app state, the middleware."""
    tenancy = TenancyRuntime.build(platform)
    auth = AuthRuntime.build(platform)
    if platform.invalidation.distributed:
        platform.readiness.append(
            ReadinessCheck("cache_invalidation", platform.invalidation.check, critical=False)
        )
    litestar.state[PLATFORM_STATE_KEY] = platform
    litestar.state[TENANCY_STATE_KEY] = tenancy
    litestar.state[AUTH_STATE_KEY] = auth
    mcp = litestar.state[MCP_STATE_KEY] = McpEndpoint(platform, auth)
    return RustokApp(litestar, platform, tenancy, auth, mcp)


def freeze_startup_heap() -> None:
    """Move what start-up built (modules, schemas, the app) out of the collector's sight.

    A full collection walks every tracked object: about 165 ms over the app's 313,000, and
    requests that allocate (an admin list of 50 products) met one every hundred or so — the
    p99 of that page was 235 ms against a p50 of 25 ms; frozen, 54 ms. Nothing is garbage
    at this point (a collection here finds 0 unreachable objects), so none is kept for ever.
    """
    gc.freeze()


@asynccontextmanager
async def _lifespan(app: Litestar) -> AsyncIterator[None]:
    # A SIGTERM that came while this worker was importing: stop once started (see early_stop).
    resend_early_stop()
    platform = platform_from_state(app.state)
    await ensure_schema_current(platform.db)
    subscriber = asyncio.create_task(platform.invalidation.run(), name="cache-invalidation")
    statistics = asyncio.create_task(_refresh_statistics(platform), name="db-statistics")
    # Revocations made by other processes, within a second, with or without Redis.
    auth = auth_from_state(app.state)
    revocations = asyncio.create_task(auth.sessions.watcher.run(), name="principal-changes")
    key_usage = asyncio.create_task(auth.keys.usage.run(), name="api-key-usage")
    try:
        if platform.settings.serve_events:
            # Relay, consumers and periodic jobs in the server process (E-4); `rustok
            # worker` runs them alone when RUSTOK_SERVE_EVENTS=false.
            await platform.start_background()
        freeze_startup_heap()
        yield
    finally:
        mcp = app.state.get(MCP_STATE_KEY)
        if isinstance(mcp, McpEndpoint):
            await mcp.aclose()
        for task in (subscriber, statistics, revocations, key_usage):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await platform.aclose()
        gc.unfreeze()  # a process that builds another app (tests, a reload) frees this one


class _Litestar(Litestar):
    """Litestar without the pydantic plugins it adds whenever pydantic is installed (the MCP
    SDK and typer bring it): bodies and answers are msgspec structs (a module's handlers
    too, see docs/modules.md), so they only cost start-up: the plugin's import, and its
    checks of every handler's parameters at registration. Its HTTP routes' handlers are
    readied for requests on their route's first use (``handlers_on_first_use.py``)."""

    def register(self, value: Any) -> None:  # type: ignore[override]  # as Litestar's
        register_routes(self, value)

    @staticmethod
    def _get_default_plugins(plugins: list[PluginProtocol]) -> list[PluginProtocol]:
        plugins.append(MsgspecDIPlugin())
        # Litestar's attrs plugin, which imports attrs, once an attrs class may exist.
        if attrs_installed() and not any(
            type(plugin).__name__ == "AttrsSchemaPlugin" for plugin in plugins
        ):
            plugins.append(AttrsSchemasOnFirstUse())
        return plugins


def _litestar(
    settings: Settings, platform: Platform, lifespan: Lifespan, module_routers: list[FreshRouter]
) -> Litestar:
    # The API's controllers and the modules' routers are registered on the app itself, not
    # in a router of their own: Litestar deep-copies a router on registration, so a nested
    # one (each module's router, then the router holding them) was copied twice.
    graphql = graphql_route(platform)
    handlers: list[Any] = [
        landing,
        HealthController,
        swagger_ui,
        openapi_json,
        metrics,
        docs_assets_router(),
        graphiql_assets_router(),
        *PLATFORM_ROUTES,
        *module_routers,
        graphql,
    ]  # fmt: skip  (the admin's routes follow on first use: admin_mount.py)
    litestar = _Litestar(
        route_handlers=handlers,
        guards=[authorize],
        before_request=RequestGuard(settings.max_json_depth),
        dependencies={
            "platform": Provide(provide_platform),
            "tenancy": Provide(provide_tenancy),
            "auth": Provide(provide_auth),
            "principal": Provide(provide_principal),
        },
        exception_handlers={
            Exception: problem_handler,
            InvalidCredentials: invalid_credentials_handler,
        },
        openapi_config=openapi_config(),
        lifespan=[lifespan],
        request_max_body_size=settings.max_body_size,
        logging_config=None,
        debug=False,
    )
    litestar.state[GRAPHQL_VIEW_STATE_KEY] = graphql.view
    return litestar
