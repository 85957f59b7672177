"""The permission catalogue and the system roles' grants (A-5, rustok-reference.md §8).

A permission is ``resource:action``; ``manage`` implies every action on its resource.
Scopes: ``all`` or ``own`` (e.g. a customer reads only their own orders).

The platform declares its own resources here; each module declares its own and the default
grants of the system roles on them (``ModuleSpec.resources``/``grants``), and
:func:`build_catalogue` merges both for the installed modules. ``super_admin`` manages every
resource. Every tenant gets the catalogue's permission rows and grants when it is created, and
``rustok migrate`` gives existing tenants those of newly installed resources
(``rustok.rbac.seed``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rustok.core.module import ModuleSpec

Scope = Literal["all", "own"]

PLATFORM_RESOURCES: tuple[str, ...] = (
    "users", "tenants", "modules", "settings", "analytics", "logs", "api_keys", "audit",
)  # fmt: skip
ACTIONS: tuple[str, ...] = (
    "create", "read", "update", "delete", "list", "export", "import", "manage",
)  # fmt: skip
SYSTEM_ROLES: tuple[str, ...] = ("super_admin", "admin", "manager", "customer")
ROLE_NAMES = {
    "super_admin": "Super admin",
    "admin": "Administrator",
    "manager": "Manager",
    "customer": "Customer",
}
# The roles a module grants to; super_admin already manages everything.
GRANTABLE_ROLES = SYSTEM_ROLES[1:]

Grant = tuple[str, str, Scope]

PLATFORM_GRANTS: Mapping[str, tuple[str, ...]] = {
    "admin": (
        "users:manage", "settings:manage", "analytics:manage", "api_keys:manage",
        "modules:read", "modules:list", "audit:list",
    ),
    "manager": ("analytics:read",),
}  # fmt: skip


def parse_grant(grant: str) -> Grant:
    """``resource:action`` or ``resource:action:own`` → (resource, action, scope)."""
    resource, action, *own = grant.split(":")
    return resource, action, "own" if own == ["own"] else "all"


@dataclass(frozen=True, slots=True)
class PermissionCatalogue:
    """The resources of the platform and the installed modules, and the system roles'
    default grants on them."""

    resources: tuple[str, ...]
    grants: Mapping[str, tuple[Grant, ...]]

    def pairs(self) -> list[tuple[str, str]]:
        """Every (resource, action): one permission row per tenant each."""
        return [(r, a) for r in self.resources for a in ACTIONS]

    def declares(self, permission: str) -> bool:
        resource, _, action = permission.partition(":")
        return resource in self.resources and action in ACTIONS


def _merged(grants: Iterable[Grant]) -> tuple[Grant, ...]:
    """One grant per (resource, action), ``all`` beating ``own``, in first-seen order."""
    scopes: dict[tuple[str, str], Scope] = {}
    for resource, action, scope in grants:
        if scopes.get((resource, action)) != "all":
            scopes[(resource, action)] = scope
    return tuple((resource, action, scope) for (resource, action), scope in scopes.items())


def build_catalogue(modules: Iterable[ModuleSpec]) -> PermissionCatalogue:
    """The platform's catalogue merged with the installed modules' declarations."""
    specs = list(modules)
    resources = tuple(
        dict.fromkeys([*PLATFORM_RESOURCES, *(r for s in specs for r in s.resources)])
    )
    declared: dict[str, list[Grant]] = {role: [] for role in GRANTABLE_ROLES}
    sources = [("the platform", PLATFORM_GRANTS), *((s.slug, s.grants) for s in specs)]
    for owner, grants in sources:
        for role, role_grants in grants.items():
            if role not in declared:
                raise ValueError(
                    f"{owner}: grants to unknown role {role!r}; allowed: {', '.join(declared)}"
                )
            for grant in role_grants:
                resource, action, scope = parse_grant(grant)
                if resource not in resources or action not in ACTIONS:
                    raise ValueError(
                        f"{owner}: grant {grant!r} names a resource or action that neither the "
                        "platform nor an installed module declares"
                    )
                declared[role].append((resource, action, scope))
    return PermissionCatalogue(
        resources=resources,
        grants={
            "super_admin": tuple((r, "manage", "all") for r in resources),
            **{role: _merged(grants) for role, grants in declared.items()},
        },
    )
