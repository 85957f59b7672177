"""``/admin/invites``: the tenant's pending invitations, inviting someone by e-mail with a
role (``users:create``, as ``POST /api/auth/invites``) and withdrawing an invitation (the
same permission: who may invite may take it back), through ``AuthFlows`` — the invitation
mail is queued with the invitation, roles never above the inviter's, each step audited.
Listing needs ``users:list``. List statements (50 rows): the session check, the count and
the page."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.api.deps import auth_from_state
from rustok.auth.schemas import InviteRequest
from rustok.core.errors import RustokError, ValidationFailed
from rustok.rbac.catalogue import SYSTEM_ROLES
from rustok.rbac.principal import may_grant
from rustok.web.admin.forms import FormState, parse_form
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.principals import require_principal

AnyRequest = Request[Any, Any, Any]
INVITES_PATH = "/admin/invites"
INVITE_LIST = ListSpec(
    columns=(
        Column("email", N_("Email")), Column("role", N_("Role")),
        Column("expires", N_("Expires")), Column("actions", N_("Actions")),
    ),
    sorts=("created",), default_sort="-created", searchable=False,
)  # fmt: skip
FIELDS = {"email": "email", "role": "role"}


class InvitesAdminController(Controller):
    path = INVITES_PATH
    include_in_schema = False

    @get("/", permission="users:list")
    async def list_invites(self, request: AnyRequest) -> Response[str]:
        """Invitations not yet accepted, withdrawn or expired, newest first; the form."""
        return await _list_page(request, FormState(values={"role": "customer"}))

    @post("/", permission="users:create")
    async def invite(self, request: AnyRequest) -> Response[Any]:
        """Invite someone: the mail with their single-use link is queued."""
        posted = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        payload = {"email": posted.get("email", "").strip(), "role": posted.get("role", "")}
        flows = auth_from_state(request.app.state).flows
        try:
            body = parse_form(InviteRequest, payload, FIELDS)
            await flows.invite(require_principal(request), body.email, body.role)
        except RustokError as exc:
            if exc.status == 403 and not exc.errors:  # a role above yours: said on the form
                exc.errors = {"role": [exc.detail]}
            return await _list_page(request, FormState.failed(posted, exc), exc.status)
        return redirect_with_flash(request, INVITES_PATH, N_("The invitation is sent."))

    @post("/{invite_id:uuid}/revoke", permission="users:create")
    async def revoke(self, request: AnyRequest, invite_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Withdraw an invitation: its link stops working at once."""
        await auth_from_state(request.app.state).flows.revoke_invite(invite_id)
        return redirect_with_flash(request, INVITES_PATH, N_("The invitation is withdrawn."))


async def _list_page(request: AnyRequest, form: FormState, status_code: int = 200) -> Response[str]:
    query = list_query(request, INVITE_LIST)
    if not query.descending:
        raise ValidationFailed("newest first only", errors={"sort": ["newest first only"]})
    flows = auth_from_state(request.app.state).flows
    items, total = await flows.list_invites(offset=(query.page - 1) * PER_PAGE, limit=PER_PAGE)
    principal = require_principal(request)
    return page(
        request, "platform/invites.html", title=gettext("Invitations"), status_code=status_code,
        crumbs=[Crumb(gettext("Platform")), Crumb(gettext("Invitations"))],
        view=ListView(INVITE_LIST, query, INVITES_PATH, items, total), form=form,
        roles=[(r, r) for r in SYSTEM_ROLES if may_grant(principal.role, r)],
        may_invite=principal.can("users:create"),
    )  # fmt: skip
