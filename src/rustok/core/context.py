"""The request context: who is asking, for which tenant, under which request and trace.

Filled by the outer middleware (request id, trace), the tenant resolver and the auth layer;
read by the data layer (tenant scoping), logging, problems and the outbox (actor, trace).
Services never take the tenant or the user as arguments.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar, Token
from dataclasses import dataclass

# The tenant ``rustok migrate`` creates; requests without a tenant identifier use it, and its
# super admins administer the whole platform.
DEFAULT_TENANT_ID = uuid.UUID("00000000-0000-0000-0000-000000000001")


@dataclass(frozen=True, slots=True)
class TenantRef:
    """The resolved tenant of a request: enough to scope queries and render responses."""

    id: uuid.UUID
    slug: str
    name: str
    is_active: bool = True
    default_locale: str = "en"
    currency_code: str = "USD"
    domain: str | None = None
    enabled_modules: frozenset[str] = frozenset()
    # Enabled locales with their fallback, in the tenant's order (T-7).
    locales: tuple[tuple[str, str | None], ...] = ()

    def locale_chain(self, requested: str | None = None) -> list[str]:
        """Locales to try for ``requested``: itself, its fallbacks, then the default.

        An unknown or disabled locale starts from the default; the chain never loops.
        """
        fallback = dict(self.locales)
        chain: list[str] = []
        current: str | None = requested if requested in fallback else self.default_locale
        while current is not None and current not in chain:
            chain.append(current)
            current = fallback.get(current)
        if self.default_locale not in chain:
            chain.append(self.default_locale)
        return chain


@dataclass(frozen=True, slots=True)
class RequestContext:
    request_id: str = ""
    trace_id: str = ""
    traceparent: str | None = None
    tenant: TenantRef | None = None
    actor_id: uuid.UUID | None = None
    client_ip: str | None = None
    # The API key the actor acts through, if any (audit entries name it).
    api_key_id: uuid.UUID | None = None
    # Set while a consumer handles an event, so the events it raises point back to it.
    correlation_id: uuid.UUID | None = None
    causation_id: uuid.UUID | None = None

    @property
    def tenant_id(self) -> uuid.UUID | None:
        return self.tenant.id if self.tenant else None

    # Both run on every request: spelled out, as ``dataclasses.replace`` costs several times
    # more (tests/core/test_context.py checks that every field is carried over).
    def with_tenant(self, tenant: TenantRef | None) -> RequestContext:
        return RequestContext(
            self.request_id, self.trace_id, self.traceparent, tenant, self.actor_id,
            self.client_ip, self.api_key_id, self.correlation_id, self.causation_id,
        )  # fmt: skip

    def with_actor(
        self, actor_id: uuid.UUID | None, api_key_id: uuid.UUID | None = None
    ) -> RequestContext:
        return RequestContext(
            self.request_id, self.trace_id, self.traceparent, self.tenant, actor_id,
            self.client_ip, api_key_id, self.correlation_id, self.causation_id,
        )  # fmt: skip


_EMPTY = RequestContext()  # frozen, so sharing it as the default is safe
_current: ContextVar[RequestContext] = ContextVar("rustok_request_context", default=_EMPTY)


def current_context() -> RequestContext:
    return _current.get()


def set_context(ctx: RequestContext) -> Token[RequestContext]:
    return _current.set(ctx)


def reset_context(token: Token[RequestContext]) -> None:
    _current.reset(token)


class use_context:
    """Run a block under ``ctx`` (CLI commands, workers, tests)."""

    def __init__(self, ctx: RequestContext) -> None:
        self._ctx = ctx
        self._token: Token[RequestContext] | None = None

    def __enter__(self) -> RequestContext:
        self._token = _current.set(self._ctx)
        return self._ctx

    def __exit__(self, *exc: object) -> None:
        assert self._token is not None
        _current.reset(self._token)
