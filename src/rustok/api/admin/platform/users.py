"""``/admin/users``: the tenant's users, one user's role, status and name, and disabling
one — the GraphQL ``users``/``user``/``updateUser``/``disableUser`` fields' permissions
(``users:list``/``read``/``update``/``manage``) through ``UserAdminService`` (roles never
above the acting admin's, changes audited, a disabled user's sessions revoked). A holder of
``users:manage`` (no REST route lists another user's sessions; that is the permission that
already ends them all, by disabling) also sees the user's active sessions — API sign-ins
and admin sessions are the same rows — and ends one or all of them at once. List
statements (50 rows): the session check, the count and the page."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.api.deps import auth_from_state
from rustok.auth.admin import UserAdminService
from rustok.auth.models import USER_STATUSES
from rustok.core.errors import RustokError, ValidationFailed
from rustok.rbac.catalogue import SYSTEM_ROLES
from rustok.web.admin.forms import FormState, ensure_fresh
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.principals import require_principal

AnyRequest = Request[Any, Any, Any]
USERS_PATH = "/admin/users"
USER_LIST = ListSpec(
    columns=(
        Column("email", N_("Email")), Column("name", N_("Name")), Column("status", N_("Status")),
        Column("created", N_("Created"), sort="created"), Column("login", N_("Last sign-in")),
    ),
    sorts=("created",), default_sort="created", searchable=False,
)  # fmt: skip
STATUS_LABELS = (N_("inactive"), N_("banned"))


def _admin(request: AnyRequest) -> UserAdminService:
    auth = auth_from_state(request.app.state)
    return UserAdminService(auth.platform, auth.sessions, auth.grants)


class UsersAdminController(Controller):
    path = USERS_PATH
    include_in_schema = False

    @get("/", permission="users:list")
    async def list_users(self, request: AnyRequest) -> Response[str]:
        """The tenant's users, oldest first, 50 a page."""
        query = list_query(request, USER_LIST)
        if query.descending:
            raise ValidationFailed("oldest first only", errors={"sort": ["oldest first only"]})
        users, total = await _admin(request).list(
            offset=(query.page - 1) * PER_PAGE, limit=PER_PAGE
        )
        return page(
            request, "platform/users_list.html", title=gettext("Users"),
            crumbs=[Crumb(gettext("Platform")), Crumb(gettext("Users"))],
            view=ListView(USER_LIST, query, USERS_PATH, users, total),
        )  # fmt: skip

    @get("/{user_id:uuid}", permission="users:read")
    async def user_form(self, request: AnyRequest, user_id: FromPath[uuid.UUID]) -> Response[str]:
        """One user: role, status and name."""
        return await _user_page(request, user_id, None)

    @post("/{user_id:uuid}", permission="users:update")
    async def save(self, request: AnyRequest, user_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Change the role, status or name (``updateUser``); a stale form is refused."""
        posted = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        admin = _admin(request)
        try:
            ensure_fresh(_version(await admin.get(user_id)), posted)
            await admin.update(
                require_principal(request), user_id, name=posted.get("name", "").strip() or None,
                role=posted.get("role") or None, status=posted.get("status") or None,
            )  # fmt: skip
        except RustokError as exc:
            if exc.status == 404:
                raise
            return await _user_page(request, user_id, FormState.failed(posted, exc), exc.status)
        return redirect_with_flash(request, f"{USERS_PATH}/{user_id}", N_("Saved."))

    @post("/{user_id:uuid}/disable", permission="users:manage")
    async def disable(self, request: AnyRequest, user_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Disable the account (``disableUser``): its sessions end at once."""
        await _admin(request).disable(require_principal(request), user_id)
        return redirect_with_flash(request, f"{USERS_PATH}/{user_id}", N_("The user is disabled."))

    @post("/{user_id:uuid}/sessions/revoke-all", permission="users:manage")
    async def revoke_sessions(
        self, request: AnyRequest, user_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """End every session of the user (their next request signs them out)."""
        await _admin(request).revoke_sessions(require_principal(request), user_id)
        return redirect_with_flash(
            request, f"{USERS_PATH}/{user_id}", N_("The user's sessions are ended.")
        )

    @post("/{user_id:uuid}/sessions/{session_id:uuid}/revoke", permission="users:manage")
    async def revoke_session(
        self, request: AnyRequest, user_id: FromPath[uuid.UUID], session_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """End one session of the user (not theirs or already ended: 404)."""
        await _admin(request).revoke_sessions(require_principal(request), user_id, session_id)
        return redirect_with_flash(request, f"{USERS_PATH}/{user_id}", N_("The session is ended."))


def _version(user: Any) -> str:
    return f"{user.status}:{user.name or ''}:{user.last_login_at or ''}"


async def _user_page(
    request: AnyRequest, user_id: uuid.UUID, form: FormState | None, status_code: int = 200
) -> Response[str]:
    admin = _admin(request)
    user = await admin.get(user_id)
    read = await auth_from_state(request.app.state).service.user_read(user)
    manages = require_principal(request).can("users:manage")
    sessions = await admin.sessions_of(user_id) if manages else None
    if form is None:
        values = {"name": user.name or "", "role": read.role, "status": user.status}
        form = FormState(values={**values, "version": _version(user)})
    return page(
        request, "platform/user_edit.html", title=user.email, status_code=status_code,
        crumbs=[Crumb(gettext("Platform")), Crumb(gettext("Users"), USERS_PATH), Crumb(user.email)],
        user=user, read=read, form=form, sessions=sessions,
        roles=[(r, r) for r in SYSTEM_ROLES], statuses=[(s, gettext(s)) for s in USER_STATUSES],
    )  # fmt: skip
