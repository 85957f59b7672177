"""``create_app(settings)``: the ASGI application. All wiring happens here, none at import."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from litestar import Litestar, Router
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from rustok import __version__
from rustok.api.deps import PLATFORM_STATE_KEY, provide_platform, provide_uow
from rustok.api.docs import docs_assets_router, metrics, openapi_json, swagger_ui
from rustok.api.graphql import graphql_controller
from rustok.api.health import HealthController
from rustok.api.middleware import RequestContextMiddleware
from rustok.api.problems import problem_handler
from rustok.bootstrap import bootstrap
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.migrations import ensure_schema_current

if TYPE_CHECKING:
    from rustok.core.types import ASGIApp, Receive, Scope, Send


class RustokApp:
    """The ASGI entry point: the outer middleware stack around the Litestar app."""

    def __init__(self, litestar: Litestar, platform: Platform) -> None:
        self.litestar = litestar
        self.platform = platform
        inner: ASGIApp = litestar  # type: ignore[assignment]  # Litestar's Scope is a TypedDict
        self._asgi = RequestContextMiddleware(inner)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.litestar(scope, receive, send)  # type: ignore[arg-type]
            return
        await self._asgi(scope, receive, send)


def _openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="RusToK API",
        version=__version__,
        description="Multi-tenant headless content + commerce platform. Errors are "
        "application/problem+json; send `X-Tenant-ID` to choose the tenant.",
        # Litestar answers HTML 404s for unknown paths under its schema path, so keep it off
        # "/api" and serve /api/openapi.json ourselves (docs.py).
        path="/api/_schema",
        render_plugins=[JsonRenderPlugin()],
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")
            }
        ),
        use_handler_docstrings=True,
    )


def create_app(settings: Settings, *, platform: Platform | None = None) -> RustokApp:
    platform = platform or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await ensure_schema_current(platform.db)
        try:
            if settings.serve_events and platform.events is not None:
                # Relay + consumers in the server process (E-4); `rustok worker` runs them
                # alone when RUSTOK_SERVE_EVENTS=false.
                await platform.events.start()
            yield
        finally:
            await platform.aclose()

    module_handlers = [h for m in platform.modules for h in m.route_handlers]
    with warnings.catch_warnings():
        # Strawberry's controller still uses Litestar's inferred parameters (deprecated in
        # 2.23); our own handlers use explicit markers, and the test suite turns
        # warnings into errors to keep it that way.
        warnings.filterwarnings("ignore", message=_STRAWBERRY_HANDLERS, category=DeprecationWarning)
        litestar = _litestar(settings, platform, lifespan, module_handlers)
    litestar.state[PLATFORM_STATE_KEY] = platform
    return RustokApp(litestar, platform)


_STRAWBERRY_HANDLERS = r".*handler='(handle_http_get|handle_http_post|websocket_endpoint)'"


def _litestar(
    settings: Settings, platform: Platform, lifespan: Any, module_handlers: list[Any]
) -> Litestar:
    api = Router(path="/", route_handlers=[*module_handlers, graphql_controller(platform)])
    return Litestar(
        route_handlers=[
            HealthController,
            swagger_ui,
            openapi_json,
            metrics,
            docs_assets_router(),
            api,
        ],
        dependencies={"platform": Provide(provide_platform), "uow": Provide(provide_uow)},
        exception_handlers={Exception: problem_handler},
        openapi_config=_openapi_config(),
        lifespan=[lifespan],
        request_max_body_size=settings.max_body_size,
        logging_config=None,
        debug=False,
    )
