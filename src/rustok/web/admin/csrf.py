"""CSRF protection of the admin UI (UI-2): every unsafe request carries a token.

The token is an HMAC of the admin session's id under the platform's secret, so it is bound
to the session and needs no storage. Before sign-in (the login form) it is bound instead to
a random pre-session cookie (double submit). Forms send it as the ``_csrf`` field, htmx as
the ``X-CSRF-Token`` header (``hx-headers`` on ``<body>``); a request without the right one
is refused with 403 before its handler runs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from rustok.core.errors import PermissionDenied
from rustok.web.deps import platform_from_state

CSRF_FIELD = "_csrf"
CSRF_HEADER = "x-csrf-token"
PRESESSION_COOKIE = "rustok_admin_pre"
# Where the admin session middleware leaves the signed-in session's id.
ADMIN_SESSION_STATE = "admin_session_id"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _seed(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    session_id = connection.state.get(ADMIN_SESSION_STATE)
    if session_id is not None:
        return f"session:{session_id}"
    presession = connection.state.get(PRESESSION_COOKIE) or connection.cookies.get(
        PRESESSION_COOKIE
    )
    return f"pre:{presession}" if presession else None


def csrf_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The token forms and htmx requests of this session must send ('' without a seed)."""
    seed = _seed(connection)
    if seed is None:
        return ""
    secret = platform_from_state(connection.app.state).settings.secret_key or ""
    return hmac.new(secret.encode(), f"admin-csrf:{seed}".encode(), hashlib.sha256).hexdigest()


def new_presession(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """A fresh pre-session value when the browser has none (the caller sets the cookie)."""
    if connection.cookies.get(PRESESSION_COOKIE):
        return None
    value = secrets.token_urlsafe(24)
    connection.state[PRESESSION_COOKIE] = value
    return value


async def check_csrf(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """A guard on every admin route: unsafe methods need the session's token."""
    if connection.scope.get("method", "GET") in SAFE_METHODS:
        return
    sent = connection.headers.get(CSRF_HEADER)
    if not sent:
        form = await Request[Any, Any, Any](connection.scope, connection.receive).form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    expected = csrf_token(connection)
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise PermissionDenied("the form's CSRF token is missing or out of date; reload the page")
