"""Errors on admin pages answer as pages: sign-in redirects, 403/404/409 pages with the
reason, never a JSON problem a person would have to read."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect

from rustok.api.admin.cookie_names import SESSION_COOKIE
from rustok.api.deps import auth_from_state
from rustok.core.context import DEFAULT_TENANT_ID, current_context
from rustok.core.errors import RustokError, Unauthenticated
from rustok.core.logging import get_logger
from rustok.tenancy.resolver import PATH_PREFIX
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.render import ADMIN_PATH, NO_STORE, page

LOGIN_PATH = "/admin/login"
# The error pages' titles (``RustokError.title``), for the catalogues.
ERROR_TITLES = (
    N_("Bad request"),
    N_("Validation failed"),
    N_("Permission denied"),
    N_("Not found"),
    N_("Conflict"),
    N_("Invalid state transition"),
    N_("Changed since the form was opened"),
    N_("Too many requests"),
    N_("Error"),
    N_("Internal server error"),
)
_log = get_logger(__name__)


def login_redirect(request: Request[Any, Any, Any]) -> Response[Any]:
    """To the sign-in form, back here afterwards; htmx follows ``HX-Redirect``."""
    target = request.url.path if request.method == "GET" else ADMIN_PATH
    location = f"{_tenant_prefix(request)}{LOGIN_PATH}?next={quote(target)}"
    if request.headers.get("hx-request"):
        response: Response[Any] = Response(
            "", status_code=200, headers={"HX-Redirect": location, **NO_STORE}
        )
    else:
        response = Redirect(path=location, status_code=303, headers=dict(NO_STORE))
    if request.cookies.get(SESSION_COOKIE):
        response.delete_cookie(SESSION_COOKIE, path=ADMIN_PATH)
    return response


def _tenant_prefix(request: Request[Any, Any, Any]) -> str:
    """Path mode: ``/t/<slug>`` of a tenant other than the default, so that the sign-in
    form names it (``/t/acme/admin`` leads to acme's sign-in, not the default tenant's)."""
    tenant = current_context().tenant
    mode = auth_from_state(request.app.state).platform.settings.tenant_resolution
    if mode != "path" or tenant is None or tenant.id == DEFAULT_TENANT_ID:
        return ""
    return f"{PATH_PREFIX}{tenant.slug}"


def admin_exception_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, Unauthenticated):
        return login_redirect(request)
    if isinstance(exc, RustokError):
        status, title, detail, errors = exc.status, exc.title, exc.detail, exc.errors
    elif isinstance(exc, HTTPException):
        status, title, detail, errors = exc.status_code, "Error", str(exc.detail), {}
    else:
        _log.exception("admin page failed", path=request.url.path)
        status, title, detail, errors = 500, "Internal server error", "see the server log", {}
    response = page(
        request, "admin/error.html", title=gettext(title), status_code=status,
        detail=detail, errors=errors,
    )  # fmt: skip
    extra: dict[str, str] = getattr(exc, "headers", None) or {}
    for name, value in extra.items():
        response.headers[name] = value
    return response
