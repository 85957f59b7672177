"""The permission catalogue and the system roles' grants (A-5, rustok-reference.md §8).

A permission is ``resource:action``; ``manage`` implies every action on its resource.
Scopes: ``all`` or ``own`` (e.g. a customer reads only their own orders).
"""

from __future__ import annotations

from typing import Literal

Scope = Literal["all", "own"]

RESOURCES: tuple[str, ...] = (
    "users", "tenants", "modules", "settings", "products", "categories", "orders",
    "customers", "inventory", "discounts", "posts", "pages", "nodes", "media", "comments",
    "analytics", "logs", "webhooks", "api_keys",
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
CRUDL = ("create", "read", "update", "delete", "list")

Grant = tuple[str, str, Scope]


def _grants(resource: str, actions: tuple[str, ...], scope: Scope = "all") -> list[Grant]:
    return [(resource, action, scope) for action in actions]


def system_role_grants() -> dict[str, list[Grant]]:
    """The grants every tenant's system roles start with."""
    admin_resources = (
        "users", "settings", "products", "categories", "orders", "customers", "inventory",
        "discounts", "posts", "pages", "nodes", "media", "comments", "analytics", "webhooks",
        "api_keys",
    )  # fmt: skip
    return {
        "super_admin": [g for r in RESOURCES for g in _grants(r, ("manage",))],
        "admin": [
            *(g for r in admin_resources for g in _grants(r, ("manage",))),
            *_grants("modules", ("read", "list")),
        ],
        "manager": [
            *_grants("products", CRUDL),
            *_grants("categories", CRUDL),
            *_grants("orders", ("read", "update", "list")),
            *_grants("customers", ("read", "list")),
            *_grants("inventory", ("create", "read", "update", "list")),
            *_grants("posts", CRUDL),
            *_grants("nodes", CRUDL),
            *_grants("media", CRUDL),
            *_grants("analytics", ("read",)),
        ],
        "customer": [
            *_grants("products", ("read", "list")),
            *_grants("categories", ("read", "list")),
            *_grants("orders", ("read", "list", "create"), "own"),
            *_grants("posts", ("read", "list")),
            *_grants("nodes", ("read", "list")),
            *_grants("comments", ("create", "read", "list")),
            *_grants("comments", ("update", "delete"), "own"),
        ],
    }


def all_permissions() -> list[tuple[str, str]]:
    return [(r, a) for r in RESOURCES for a in ACTIONS]
