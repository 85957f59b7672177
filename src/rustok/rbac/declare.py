"""One way to declare who may call a route (A-5): ``permission=`` or ``public=True``.

Both are Litestar handler options (``@get("/x", permission="users:read")``), read by the
authorisation guard; a test walks every registered route and fails on any that declares
neither, so nothing can be mounted unguarded. GraphQL fields use the permission classes in
``rustok.web.permissions`` with the same permission strings.
"""

from __future__ import annotations

from rustok.rbac.catalogue import ACTIONS, RESOURCES

PERMISSION_OPT = "permission"
PUBLIC_OPT = "public"
OPTIONAL_AUTH_OPT = "optional_auth"  # public, but a valid token still identifies the caller
AUTHENTICATED = "authenticated"  # any signed-in user of the tenant


def check_declared(permission: str) -> str:
    """Validate a declared permission against the catalogue (fails at start-up, not later)."""
    if permission == AUTHENTICATED:
        return permission
    resource, _, action = permission.partition(":")
    if resource not in RESOURCES or action not in ACTIONS:
        raise ValueError(f"unknown permission {permission!r}")
    return permission
