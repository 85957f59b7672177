"""Who is acting, with which grants (A-5). ``manage`` on a resource implies every action."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from rustok.rbac.catalogue import ACTIONS, SYSTEM_ROLES, Scope

Grants = dict[tuple[str, str], Scope]
ROLE_RANK = {slug: rank for rank, slug in enumerate(reversed(SYSTEM_ROLES), start=1)}


def highest_role(roles: Iterable[str]) -> str:
    """The most powerful of a user's roles (custom roles rank below customer)."""
    return max(roles, key=lambda r: ROLE_RANK.get(r, 0), default="customer")


def may_grant(granter_role: str, role: str) -> bool:
    """Nobody hands out a role above their own."""
    return ROLE_RANK.get(role, 0) <= ROLE_RANK.get(granter_role, 0)


def parse_permission(permission: str) -> tuple[str, str]:
    resource, _, action = permission.partition(":")
    if not resource or action not in ACTIONS:
        raise ValueError(f"bad permission {permission!r}")
    return resource, action


def merge_grants(rows: Iterable[tuple[str, str, str]]) -> Grants:
    """Fold (resource, action, scope) rows from several roles: ``all`` beats ``own``."""
    grants: Grants = {}
    for resource, action, scope in rows:
        if grants.get((resource, action)) != "all":
            grants[(resource, action)] = "all" if scope == "all" else "own"
    return grants


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    session_id: uuid.UUID
    role: str
    email: str
    grants: Grants = field(default_factory=dict)
    # Set when the caller is an API key acting for its creator (``session_id`` is the key's
    # id then): its grants are the key's permissions narrowed to the creator's (K-2).
    api_key_id: uuid.UUID | None = None

    def scope(self, permission: str) -> Scope | None:
        """``all``, ``own`` or None (not allowed) for ``resource:action``."""
        resource, action = parse_permission(permission)
        manage = self.grants.get((resource, "manage"))
        direct = self.grants.get((resource, action))
        if "all" in (manage, direct):
            return "all"
        return manage or direct

    def can(self, permission: str) -> bool:
        return self.scope(permission) is not None

    def permissions(self) -> list[str]:
        """Effective permissions, ``manage`` expanded, each with ``:own`` when scoped."""
        result = set()
        for (resource, action), _ in self.grants.items():
            actions = ACTIONS if action == "manage" else (action,)
            for each in actions:
                scope = self.scope(f"{resource}:{each}")
                result.add(f"{resource}:{each}" + (":own" if scope == "own" else ""))
        return sorted(result)


def narrow_grants(holder: Principal, permissions: Iterable[str]) -> Grants:
    """The grants of ``permissions`` that ``holder`` has, each with ``holder``'s scope.

    ``manage`` is expanded to every action first, so a key asking for ``products:manage``
    keeps ``products:read`` when its creator is demoted to a role that can only read."""
    grants: Grants = {}
    for permission in permissions:
        resource, action = parse_permission(permission)
        for each in ACTIONS if action == "manage" else (action,):
            scope = holder.scope(f"{resource}:{each}")
            if scope is not None:
                grants[(resource, each)] = scope
    return grants
