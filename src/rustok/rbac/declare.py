"""One way to declare who may call a route (A-5): ``permission=`` or ``public=True``.

Both are Litestar handler options (``@get("/x", permission="users:read")``), read by the
authorisation guard; a test walks every registered route and fails on any that declares
neither, so nothing can be mounted unguarded. GraphQL fields use the permission classes in
``rustok.web.permissions`` with the same permission strings. The app refuses to start when a
route or a field names a permission that the catalogue of the installed modules lacks
(:func:`undeclared`): nobody could hold it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rustok.rbac.catalogue import ACTIONS, PermissionCatalogue

PERMISSION_OPT = "permission"
PUBLIC_OPT = "public"
OPTIONAL_AUTH_OPT = "optional_auth"  # public, but a valid token still identifies the caller
AUTHENTICATED = "authenticated"  # any signed-in user of the tenant


_RESOURCE = re.compile(r"[a-z][a-z_]{0,63}")


def check_syntax(permission: str) -> str:
    """``resource:action`` with one of the platform's actions (checked where it is written)."""
    if permission == AUTHENTICATED:
        return permission
    resource, _, action = permission.partition(":")
    if not _RESOURCE.fullmatch(resource) or action not in ACTIONS:
        raise ValueError(f"bad permission {permission!r}: expected resource:action")
    return permission


def check_declared(permission: str, catalogue: PermissionCatalogue) -> str:
    """Validate a declared permission against the catalogue."""
    if permission != AUTHENTICATED and not catalogue.declares(check_syntax(permission)):
        raise ValueError(f"unknown permission {permission!r}")
    return permission


def undeclared(permissions: Iterable[str], catalogue: PermissionCatalogue) -> list[str]:
    """The permissions the catalogue lacks, each once, sorted."""
    return sorted({p for p in permissions if p != AUTHENTICATED and not catalogue.declares(p)})
