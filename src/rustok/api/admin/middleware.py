"""Who is signed in to the admin UI: the session cookie, checked before the guards run.

Every ``/admin`` route but the public ones (sign-in, language, static files) needs a live
session (else :class:`AdminSessionEnded`, answered with a redirect to the sign-in form).
A signed-in caller without :data:`ADMIN_ACCESS` gets 403 on every page. The principal goes
where the app-wide guard and the handlers look for it; bearer tokens and API keys are not
read here: the admin UI is for people in browsers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.middleware import ASGIMiddleware

from rustok.api.admin.cookie_names import SESSION_COOKIE
from rustok.api.admin.sessions import AdminSession, AdminSessionEnded, AdminSessions
from rustok.api.admin.tenant_switch import HOME_TENANT_OPT, is_platform_admin, load_tenant_choices
from rustok.api.cookie_header import parse_cookies
from rustok.api.deps import tenancy_from_state
from rustok.audit.log import record_now
from rustok.auth.auth_runtime import AUTH_STATE_KEY, AuthRuntime
from rustok.core.context import current_context, set_context
from rustok.core.errors import PermissionDenied, RustokError
from rustok.rbac.declare import PUBLIC_OPT
from rustok.web.admin.csrf import ADMIN_SESSION_STATE
from rustok.web.admin.i18n import LANGUAGE_COOKIE, choose_language, set_language
from rustok.web.admin.render import ADMIN_UI_STATE_KEY, TENANT_CHOICES_STATE
from rustok.web.principals import PRINCIPAL_KEY

# Who may enter the admin at all (staff: administrators and managers), on top of each page's
# own permission: customers hold storefront permissions (products:list) but get no admin.
ADMIN_ACCESS = "analytics:read"
ADMIN_ACCESS_OPT = "admin_access"

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Receive, Scope, Send


def request_cookies(scope: Scope) -> dict[str, str]:
    return parse_cookies("; ".join(
        value.decode("latin-1") for name, value in scope["headers"] if name == b"cookie"
    ))  # fmt: skip


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


class AdminSessionMiddleware(ASGIMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        cookies = request_cookies(scope)
        set_language(
            choose_language(cookies.get(LANGUAGE_COOKIE), _header(scope, b"accept-language")),
            scope["app"].state[ADMIN_UI_STATE_KEY].catalogues,
        )
        handler: Any = scope.get("route_handler")
        public = bool(handler is not None and handler.opt.get(PUBLIC_OPT))
        cookie = cookies.get(SESSION_COOKIE)
        state = scope.setdefault("state", {})
        if cookie:
            auth = scope["app"].state[AUTH_STATE_KEY]
            assert isinstance(auth, AuthRuntime)
            try:
                session = await AdminSessions(auth).resume(cookie)
            except AdminSessionEnded:
                if not public:
                    raise
            else:
                state[PRINCIPAL_KEY] = session.principal
                state[ADMIN_SESSION_STATE] = str(session.id)
                principal = session.principal
                set_context(current_context().with_actor(principal.user_id, None))
                if not public and not principal.can(ADMIN_ACCESS):
                    await record_now(auth.platform.db, "authz.denied",
                                     permission=ADMIN_ACCESS, path=scope["path"])  # fmt: skip
                    raise PermissionDenied("the admin is for staff: your role has no access")
                if is_platform_admin(principal) and not public:
                    await _act_in_chosen_tenant(scope, session, handler)
                    tenancy = tenancy_from_state(scope["app"].state)
                    # The session's tenant is the selected one, on its own pages too.
                    chosen = session.acting_tenant_id or current_context().tenant_id
                    state[TENANT_CHOICES_STATE] = [
                        (c.id, f"{c.name} ({c.slug})", c.id == chosen)
                        for c in await load_tenant_choices(tenancy)
                    ]
        elif not public:
            raise AdminSessionEnded("sign in to use the admin")
        await next_app(scope, receive, send)


async def _act_in_chosen_tenant(scope: Scope, session: AdminSession, handler: Any) -> None:
    """A super admin's session switched to another tenant: run the request there (but the
    session's own pages); a tenant since removed or disabled leaves it at home."""
    if session.acting_tenant_id is None or handler is None or handler.opt.get(HOME_TENANT_OPT):
        return
    tenancy = tenancy_from_state(scope["app"].state)
    try:
        resolution = await tenancy.resolver.resolve_id(session.acting_tenant_id, scope["path"])
    except RustokError:
        return
    set_context(current_context().with_tenant(resolution.tenant))
