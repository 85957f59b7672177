"""Authentication and authorisation on every route (A-3, A-5); GraphQL fields declare theirs
with the permission classes of ``rustok.web.permissions``.

The app-wide guard reads each handler's declaration (``permission=…`` or ``public=True``):

- public routes pass; ``optional_auth`` ones also identify a caller who sends a token;
- every other route needs a valid bearer token of this tenant (401/403 otherwise) and, unless
  it only asks for ``authenticated``, the declared permission (403, audited).

An API key (``Authorization: Bearer rk_…`` or ``X-Api-Key``) was already verified by the
tenant middleware, which chose the tenant with it and left its record in the connection
state (:data:`API_KEY_STATE`); here it becomes the principal it acts as.

The principal is kept in the connection state (``rustok.web.principals`` reads it) and the
request context (as actor).
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from rustok.audit.log import record_now
from rustok.auth.api_keys.cache import KeyRecord
from rustok.auth.auth_runtime import AUTH_STATE_KEY, AuthRuntime
from rustok.core.context import current_context, set_context
from rustok.core.errors import PermissionDenied, Unauthenticated
from rustok.rbac.declare import (
    AUTHENTICATED,
    OPTIONAL_AUTH_OPT,
    PERMISSION_OPT,
    PUBLIC_OPT,
)
from rustok.rbac.principal import Principal
from rustok.web.principals import PRINCIPAL_KEY

API_KEY_STATE = "api_key"


def _runtime(connection: ASGIConnection[Any, Any, Any, Any]) -> AuthRuntime:
    runtime = connection.app.state[AUTH_STATE_KEY]
    assert isinstance(runtime, AuthRuntime)
    return runtime


def _bearer(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("use 'Authorization: Bearer <access token>'")
    return token.strip()


async def _authenticate(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    # The scope's state dict itself: ``connection.state`` builds a State object each time.
    state: dict[str, Any] = connection.scope.setdefault("state", {})
    # The admin UI's session middleware (api/admin) identified the caller by its cookie.
    if isinstance(signed_in := state.get(PRINCIPAL_KEY), Principal):
        return signed_in
    key = state.get(API_KEY_STATE)
    if isinstance(key, KeyRecord):
        principal = await _runtime(connection).keys.principal(key)
    else:
        token = _bearer(connection)
        if token is None:
            return None
        principal = await _runtime(connection).sessions.authenticate(token)
    state[PRINCIPAL_KEY] = principal
    # Later code (services, audit, events) sees the actor through the context.
    set_context(current_context().with_actor(principal.user_id, principal.api_key_id))
    return principal


async def authorize(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """The guard installed on the whole app."""
    opt = handler.opt
    if opt.get(PUBLIC_OPT):
        if opt.get(OPTIONAL_AUTH_OPT):
            await _authenticate(connection)
        return
    permission = opt.get(PERMISSION_OPT)
    if permission is None:  # a route without a declaration is refused, never open
        raise PermissionDenied("this route declares no permission")
    principal = await _authenticate(connection)
    if principal is None:
        raise Unauthenticated("this route needs a bearer token")
    if permission != AUTHENTICATED and not principal.can(permission):
        db = _runtime(connection).platform.db
        await record_now(db, "authz.denied", permission=permission, path=connection.url.path)
        raise PermissionDenied(f"missing permission {permission}")
