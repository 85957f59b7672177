"""Application variants that only the benchmarks serve (to measure what a layer costs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rustok.api.app import RustokApp, create_app
from rustok.api.middleware import RequestContextMiddleware
from rustok.api.ratelimit import RateLimitMiddleware
from rustok.api.security import SecurityMiddleware
from rustok.bootstrap import load_all_settings
from rustok.core.context import TenantRef, current_context, reset_context, set_context
from rustok.core.logging import configure_logging
from rustok.tenancy.models import DEFAULT_TENANT_ID

if TYPE_CHECKING:
    from rustok.core.types import ASGIApp, Receive, Scope, Send


class FixedTenant:
    """Puts the default tenant into every request's context: the app without the resolver."""

    def __init__(self, app: ASGIApp, rustok: RustokApp) -> None:
        self.app = app
        self.rustok = rustok
        self.tenant: TenantRef | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.tenant is None:
            self.tenant = await self.rustok.tenancy.directory.by_id(DEFAULT_TENANT_ID)
        token = set_context(current_context().with_tenant(self.tenant))
        try:
            await self.app(scope, receive, send)
        finally:
            reset_context(token)


def app_without_resolver() -> RustokApp:
    settings = load_all_settings(warn=False)
    configure_logging(settings.log_format, settings.log_level)
    app = create_app(settings)
    inner: ASGIApp = app.litestar  # type: ignore[assignment]
    stack: ASGIApp = FixedTenant(inner, app)
    stack = RateLimitMiddleware(stack, settings, app.auth.tokens, app.platform.redis)
    stack = SecurityMiddleware(stack, settings)
    app._asgi = RequestContextMiddleware(stack)
    return app
