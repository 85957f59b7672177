"""``/admin/api-keys``: the tenant's API keys, creating one (its key shown once, on the
answer page, never stored) and revoking one — ``/api/admin/api-keys`` with its
``api_keys:*`` permissions, through ``ApiKeyService``. List statements (50 rows): the
session check, the count and the page."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.api.deps import auth_from_state
from rustok.auth.api_keys.schemas import ApiKeyCreate
from rustok.core.context import current_context
from rustok.core.errors import RustokError, ValidationFailed
from rustok.rbac.principal import Principal
from rustok.web.admin.forms import FormState, parse_form
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.principals import require_principal

AnyRequest = Request[Any, Any, Any]
KEYS_PATH = "/admin/api-keys"
KEY_LIST = ListSpec(
    columns=(
        Column("name", N_("Name")), Column("prefix", N_("Prefix")),
        Column("permissions", N_("Permissions")), Column("created", N_("Created"), sort="created"),
        Column("used", N_("Last used")), Column("state", N_("State")),
        Column("actions", N_("Actions")),
    ),
    sorts=("created",), default_sort="-created", searchable=False,
)  # fmt: skip
FIELDS = {"name": "name", "permissions": "permissions"}


def _crumbs() -> list[Crumb]:
    return [Crumb(gettext("Platform")), Crumb(gettext("API keys"))]


class ApiKeysAdminController(Controller):
    path = KEYS_PATH
    include_in_schema = False

    @get("/", permission="api_keys:list")
    async def list_keys(self, request: AnyRequest) -> Response[str]:
        """The keys, newest first (revoked and expired ones too), and the creation form."""
        return await _list_page(request, FormState())

    @post("/", permission="api_keys:create")
    async def create(self, request: AnyRequest) -> Response[str]:
        """Mint a key no wider than your permissions; the answer shows it this once."""
        posted = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        wanted = [p.strip() for p in posted.get("permissions", "").split() if p.strip()]
        auth = auth_from_state(request.app.state)
        try:
            _ensure_home(require_principal(request))
            body = parse_form(
                ApiKeyCreate, {"name": posted.get("name", "").strip(), "permissions": wanted},
                FIELDS,
            )  # fmt: skip
            created = await auth.api_keys.create(require_principal(request), body)
        except RustokError as exc:
            if exc.status == 403 and not exc.errors:  # too wide: said on the form
                exc.errors = {"permissions": [exc.detail]}
            return await _list_page(request, FormState.failed(posted, exc), exc.status)
        return page(
            request, "platform/api_key_created.html", title=gettext("API key created"),
            crumbs=[*_crumbs()[:1], Crumb(gettext("API keys"), KEYS_PATH), Crumb(created.name)],
            created=created,
        )  # fmt: skip

    @post("/{key_id:uuid}/revoke", permission="api_keys:delete")
    async def revoke(self, request: AnyRequest, key_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Revoke a key: refused everywhere within a second."""
        auth = auth_from_state(request.app.state)
        await auth.api_keys.revoke(require_principal(request), key_id)
        return redirect_with_flash(request, KEYS_PATH, N_("The key is revoked."))


def _ensure_home(principal: Principal) -> None:
    """A key acts for its creator in the key's tenant: a super admin working in another
    tenant (the tenant switcher) is no user there, so such a key could never work."""
    if principal.tenant_id != current_context().tenant_id:
        message = "switch back to your own tenant to create a key: it acts for you"
        raise ValidationFailed(message, errors={"name": [message]})


async def _list_page(request: AnyRequest, form: FormState, status_code: int = 200) -> Response[str]:
    query = list_query(request, KEY_LIST)
    if not query.descending:
        raise ValidationFailed("newest first only", errors={"sort": ["newest first only"]})
    keys = await auth_from_state(request.app.state).api_keys.list(
        page=query.page, per_page=PER_PAGE
    )
    return page(
        request, "platform/api_keys.html", title=gettext("API keys"), crumbs=_crumbs(),
        status_code=status_code, view=ListView(KEY_LIST, query, KEYS_PATH, keys.items, keys.total),
        form=form,
    )  # fmt: skip
