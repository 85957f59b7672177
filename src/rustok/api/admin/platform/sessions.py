"""``/admin/account/sessions``: the signed-in user's sessions (this browser's among them),
revoking one, and revoking every other (``/api/auth/sessions`` and
``/api/auth/sessions/revoke-all``, any signed-in user, through ``AuthService``)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.api.deps import auth_from_state
from rustok.rbac.declare import AUTHENTICATED
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.principals import require_principal

AnyRequest = Request[Any, Any, Any]
SESSIONS_PATH = "/admin/account/sessions"


class SessionsAdminController(Controller):
    path = SESSIONS_PATH
    include_in_schema = False

    @get("/", permission=AUTHENTICATED, home_tenant=True)
    async def list_sessions(self, request: AnyRequest) -> Response[str]:
        """Where you are signed in: each session's browser, address and last use."""
        principal = require_principal(request)
        rows = await auth_from_state(request.app.state).sessions.list_active(principal.user_id)
        return page(
            request, "platform/sessions.html", title=gettext("Your sessions"),
            crumbs=[Crumb(gettext("Account")), Crumb(gettext("Your sessions"))],
            sessions=rows, current=principal.session_id,
        )  # fmt: skip

    @post("/revoke-all", permission=AUTHENTICATED, home_tenant=True)
    async def revoke_others(self, request: AnyRequest) -> Response[Any]:
        """Sign out everywhere else (this session stays)."""
        principal = require_principal(request)
        await auth_from_state(request.app.state).service.revoke_others(principal)
        return redirect_with_flash(request, SESSIONS_PATH, N_("Your other sessions are ended."))

    @post("/{session_id:uuid}/revoke", permission=AUTHENTICATED, home_tenant=True)
    async def revoke(self, request: AnyRequest, session_id: FromPath[uuid.UUID]) -> Response[Any]:
        """End one of your sessions (another user's: 404)."""
        principal = require_principal(request)
        await auth_from_state(request.app.state).service.revoke_own_session(principal, session_id)
        return redirect_with_flash(request, SESSIONS_PATH, N_("The session is ended."))
