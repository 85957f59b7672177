"""Helpers for the content-family tests: users by role (also custom roles with ``own``
scopes), signed-in headers, node bodies."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
from sqlalchemy import select

from rustok.auth.models import User
from rustok.core.context import RequestContext, use_context
from rustok.core.platform import Platform
from rustok.rbac.models import Permission, Role, RolePermission, UserRole
from rustok.tenancy.service import TenantService, tenant_ref
from tests.auth.helpers import bearer, make_user, sign_in

_emails = itertools.count()
AUTHOR_GRANTS = [
    (resource, action, "own" if action in ("update", "delete") else "all")
    for resource in ("nodes", "posts")
    for action in ("create", "read", "update", "delete", "list")
]


async def add_role(
    platform: Platform, email: str, slug: str, grants: list[tuple[str, str, str]],
    tenant_slug: str = "default",
) -> None:  # fmt: skip
    """Give an existing user a custom role with these (resource, action, scope) grants."""
    tenant = await TenantService(platform).get_by_slug(tenant_slug)
    with use_context(RequestContext(tenant=tenant_ref(tenant))):
        async with platform.uow() as uow:
            session = uow.session
            role = await session.scalar(select(Role).where(Role.slug == slug))
            if role is None:
                role = Role(slug=slug, name=slug.title(), is_system=False)
                session.add(role)
                await session.flush()
                for resource, action, scope in grants:
                    permission_id = await session.scalar(
                        select(Permission.id).where(
                            Permission.resource == resource, Permission.action == action
                        )
                    )
                    assert permission_id is not None
                    session.add(
                        RolePermission(role_id=role.id, permission_id=permission_id, scope=scope)
                    )
            user_id = await session.scalar(select(User.id).where(User.email == email))
            assert user_id is not None
            session.add(UserRole(user_id=user_id, role_id=role.id))
            await uow.commit()


async def login_as(
    client: httpx.AsyncClient, platform: Platform, role: str, tenant: str = "default"
) -> dict[str, str]:
    """Create a user with a system role (or ``author``: own-scoped posts/nodes) and return
    bearer headers for it."""
    email = f"{role}{next(_emails)}@example.com"
    await make_user(platform, email, "customer" if role == "author" else role, tenant)
    if role == "author":
        await add_role(platform, email, "author", AUTHOR_GRANTS, tenant)
    tokens = await sign_in(client, email, tenant=None if tenant == "default" else tenant)
    return bearer(tokens, None if tenant == "default" else tenant)


def node_body(kind: str = "article", title: str = "Hello world", **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "translations": [{"locale": "en", "title": title}], **extra}


async def outbox(platform: Platform, aggregate_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(event type, payload) of the outbox rows of one aggregate, in the order raised."""
    import uuid

    from rustok.outbox.models import OutboxEvent

    async with platform.db.read_session(all_tenants=True) as session:
        rows = await session.execute(
            select(OutboxEvent.event_type, OutboxEvent.payload)
            .where(OutboxEvent.aggregate_id == uuid.UUID(aggregate_id))
            .order_by(OutboxEvent.id)
        )
        return [(kind, dict(payload)) for kind, payload in rows.tuples()]


async def event_types(platform: Platform, since: int = 0) -> list[str]:
    """Every outbox event type, oldest first (``since``: skip that many)."""
    from rustok.outbox.models import OutboxEvent

    async with platform.db.read_session(all_tenants=True) as session:
        rows = await session.scalars(select(OutboxEvent.event_type).order_by(OutboxEvent.id))
        return list(rows)[since:]


async def gql(
    client: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def error_code(body: dict[str, Any]) -> str:
    code: str = body["errors"][0]["extensions"]["code"]
    return code
