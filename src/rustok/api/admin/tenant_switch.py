"""The tenant switcher of the shell's header: a super admin of the default tenant makes their
admin session act in another tenant (``POST /admin/tenant``, ``tenants:manage``).

The choice is the session row's (``sessions.acting_tenant_id``, written by
:meth:`AdminSessions.act_in`), never a cookie's: the session middleware reads it with the
session and, for a caller who still is such a super admin, runs the request in that tenant.
The session's own pages — sign-out, your sessions, this switch — stay in its own tenant,
where its row lives. The header's list of tenants is cached (:class:`TenantChoices`), so a
page costs no statement for it.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from litestar import Request, Response, post

from rustok.api.admin.sessions import AdminSessions
from rustok.api.deps import auth_from_state, tenancy_from_state
from rustok.core.context import DEFAULT_TENANT_ID, current_context
from rustok.core.errors import PermissionDenied, ValidationFailed
from rustok.core.invalidation import ALL_KEYS
from rustok.rbac.principal import Principal
from rustok.tenancy.directory import TENANT_KEY_PREFIXES, TenantDirectory
from rustok.tenancy.tenancy_runtime import TenancyRuntime
from rustok.web.admin.i18n import N_
from rustok.web.admin.render import ADMIN_PATH, redirect_with_flash
from rustok.web.principals import require_principal

AnyRequest = Request[Any, Any, Any]
SWITCH_PATH = "/admin/tenant"
SWITCH_PERMISSION = "tenants:manage"
# A handler with this opt runs in the session's own tenant even when it acts in another.
HOME_TENANT_OPT = "home_tenant"
CHOICES_TTL = 60.0
MAX_CHOICES = 200


def is_platform_admin(principal: Principal) -> bool:
    """A super admin of the default tenant: the only caller who may switch tenants."""
    return principal.tenant_id == DEFAULT_TENANT_ID and principal.can(SWITCH_PERMISSION)


@dataclass(frozen=True, slots=True)
class TenantChoice:
    id: uuid.UUID
    slug: str
    name: str


class TenantChoices:
    """The tenants the switcher lists (the first :data:`MAX_CHOICES`, oldest first), kept
    until a tenant changes (the invalidation bus: this instance's and, with Redis, every
    other's) or :data:`CHOICES_TTL` passes (a tenant the CLI creates reaches a running
    instance without Redis only through the outbox, which this list does not follow)."""

    def __init__(self) -> None:
        self._loaded_at = -math.inf
        self._items: tuple[TenantChoice, ...] = ()

    async def get(self, tenancy: TenancyRuntime) -> tuple[TenantChoice, ...]:
        now = time.monotonic()
        if now - self._loaded_at > CHOICES_TTL:
            tenants, _ = await tenancy.tenants().list(page=1, per_page=MAX_CHOICES)
            self._items = tuple(TenantChoice(t.id, t.slug, t.name) for t in tenants)
            self._loaded_at = now
        return self._items

    def forget(self, keys: Sequence[str] = (ALL_KEYS,)) -> None:
        """An invalidation bus handler: a tenant changed (or everything did)."""
        if ALL_KEYS in keys or any(k.startswith(TENANT_KEY_PREFIXES) for k in keys):
            self._loaded_at = -math.inf


# One list per platform (its tenant directory; apps built for tests share their state).
_CHOICES: WeakKeyDictionary[TenantDirectory, TenantChoices] = WeakKeyDictionary()


async def load_tenant_choices(tenancy: TenancyRuntime) -> tuple[TenantChoice, ...]:
    return await _choices_of(tenancy).get(tenancy)


def _choices_of(tenancy: TenancyRuntime) -> TenantChoices:
    choices = _CHOICES.get(tenancy.directory)
    if choices is None:
        choices = _CHOICES[tenancy.directory] = TenantChoices()
        tenancy.platform.invalidation.register(choices.forget)
    return choices


@post(SWITCH_PATH, permission=SWITCH_PERMISSION, include_in_schema=False, home_tenant=True)
async def switch_tenant(request: AnyRequest) -> Response[Any]:
    """Act in the chosen tenant from the next page on (the session's own: back home)."""
    principal = require_principal(request)
    if not is_platform_admin(principal):  # a tenant's own super admin holds tenants:manage
        raise PermissionDenied("only the default tenant's super admins switch tenants")
    chosen = str((await request.form()).get("tenant") or "").strip()
    try:
        tenant_id = uuid.UUID(chosen)
    except ValueError:
        raise ValidationFailed("bad tenant", errors={"tenant": ["a tenant id"]}) from None
    tenancy = tenancy_from_state(request.app.state)
    tenant = (await tenancy.resolver.resolve_id(tenant_id, request.url.path)).tenant
    home = current_context().tenant_id
    await AdminSessions(auth_from_state(request.app.state)).act_in(
        principal, None if tenant.id == home else tenant.id
    )
    _choices_of(tenancy).forget()
    return redirect_with_flash(request, ADMIN_PATH, N_("You now work in the chosen tenant."))
