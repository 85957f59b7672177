"""GraphQL auth: sign-in/up, me, user administration, and a declaration on every field."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.api.graphql import build_schema
from rustok.audit.models import AuditEntry
from tests.auth.helpers import PASSWORD, make_user

# Root fields anyone may call (by resolver name). Content reads are public and show only
# published content to callers who may not see more (the resolvers check); the storefront
# reads the read models (API-2).
PUBLIC_ROOT_FIELDS = {
    "health", "api_version", "current_tenant", "modules", "sign_in", "sign_up", "refresh_token",
    "store_products", "store_product", "store_content", "store_search",
    "content_node", "content_node_by_slug", "content_nodes", "content_categories", "content_tags",
    "content_media", "blog_post", "blog_post_by_slug", "blog_posts", "blog_comments",
    "forum_categories", "forum_topic", "forum_topics", "forum_replies",
    "page", "page_by_slug", "pages", "menus",
    # Their REST twins are public too (API-2 parity).
    "menu", "content_category", "content_tag", "forum_category", "forum_reply",
    "store_shipping_methods", "guest_order", "request_password_reset", "confirm_password_reset",
    "confirm_email_verification", "accept_invite",
    # Carts answer to their token (or their customer), not to a role.
    "cart", "create_cart", "add_cart_item", "update_cart_item", "remove_cart_item",
    "apply_discount_code", "checkout", "update_cart", "merge_cart",
}  # fmt: skip


async def gql(
    client: httpx.AsyncClient, query: str, token: str | None = None, **variables: Any
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/api/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


SIGN_IN = "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { accessToken refreshToken expiresIn user { email role } } }"


async def sign_in(client: httpx.AsyncClient, email: str) -> str:
    body = await gql(client, SIGN_IN, e=email, p=PASSWORD)
    token: str = body["data"]["signIn"]["accessToken"]
    return token


def code(body: dict[str, Any]) -> str:
    value: str = body["errors"][0]["extensions"]["code"]
    return value


@pytest.mark.sql_free
def test_every_root_field_declares_permissions(app: RustokApp) -> None:
    schema = build_schema(app.platform)
    undeclared, public = [], set()
    for root in (
        schema.schema_converter.type_map.get("Query"),
        schema.schema_converter.type_map.get("Mutation"),
    ):
        assert root is not None
        for field in root.definition.fields:  # type: ignore[union-attr]
            classes = field.permission_classes
            if not classes:
                undeclared.append(field.name)
            elif any(getattr(c, "required", None) == "public" for c in classes):
                public.add(field.name)
    assert undeclared == []
    assert public == PUBLIC_ROOT_FIELDS


async def test_sign_up_sign_in_me(client: httpx.AsyncClient) -> None:
    up = await gql(
        client,
        'mutation($p: String!) { signUp(email: "g@example.com", password: $p) { user { email role } } }',
        p=PASSWORD,
    )
    assert up["data"]["signUp"]["user"] == {"email": "g@example.com", "role": "customer"}
    token = await sign_in(client, "g@example.com")
    me = await gql(client, "{ me { email role permissions } }", token)
    assert me["data"]["me"]["email"] == "g@example.com"
    assert "products:list" in me["data"]["me"]["permissions"]
    anonymous = await gql(client, "{ me { email } }")
    assert code(anonymous) == "UNAUTHENTICATED"
    wrong = await gql(client, SIGN_IN, e="g@example.com", p="wrong password")
    assert code(wrong) == "INVALID_CREDENTIALS"


async def test_user_administration_is_permission_checked(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "admin@example.com", "admin")
    await make_user(app.platform, "cust@example.com", "customer")
    admin = await sign_in(client, "admin@example.com")
    customer = await sign_in(client, "cust@example.com")
    listing = "{ users(first: 1) { totalCount edges { cursor node { email } } pageInfo { hasNextPage endCursor } } }"
    assert code(await gql(client, listing, customer)) == "FORBIDDEN"
    page = (await gql(client, listing, admin))["data"]["users"]
    assert page["totalCount"] == 2 and page["pageInfo"]["hasNextPage"] is True
    after = page["pageInfo"]["endCursor"]
    second = await gql(
        client,
        "query($a: String) { users(first: 5, after: $a) { edges { node { email } } pageInfo { hasNextPage } } }",
        admin,
        a=after,
    )
    assert len(second["data"]["users"]["edges"]) == 1

    create = 'mutation($r: String!, $p: String!) { createUser(input: {email: "m@example.com", password: $p, role: $r}) { id email role } }'
    assert (
        code(await gql(client, create, admin, r="super_admin", p=PASSWORD)) == "FORBIDDEN"
    )  # above the admin's own role
    created = (await gql(client, create, admin, r="manager", p=PASSWORD))["data"]["createUser"]
    assert created["role"] == "manager"
    update = 'mutation($id: ID!) { updateUser(id: $id, input: {role: "customer", name: "Demoted"}) { role name } }'
    assert (await gql(client, update, admin, id=created["id"]))["data"]["updateUser"] == {
        "role": "customer",
        "name": "Demoted",
    }
    disable = "mutation($id: ID!) { disableUser(id: $id) { status } }"
    assert (await gql(client, disable, admin, id=created["id"]))["data"]["disableUser"] == {
        "status": "inactive"
    }
    assert code(await gql(client, SIGN_IN, e="m@example.com", p=PASSWORD)) == "INVALID_CREDENTIALS"
    async with app.platform.db.read_session(all_tenants=True) as session:
        actions = list(
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.resource_id == created["id"])
            )
        )
    assert {"user.created", "user.role_changed", "user.status_changed"} <= set(actions)


async def test_graphql_refuses_a_bad_token_at_http_level(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/graphql",
        json={"query": "{ health }"},
        headers={"Authorization": "Bearer junk.junk.junk"},
    )
    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_TOKEN"
