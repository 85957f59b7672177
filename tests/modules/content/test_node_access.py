"""Who sees and changes what (A-5 scopes): anonymous callers see published content only,
authors with the ``own`` scope change only their own nodes and see only their own drafts,
editors see everything."""

from __future__ import annotations

import httpx

from rustok.core.platform import Platform
from tests.auth.helpers import bearer, make_user, sign_in
from tests.modules.helpers import add_role, login_as, node_body

NODES = "/api/content/nodes"


async def test_anonymous_sees_only_published(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    draft = (await client.post(NODES, json=node_body(title="Draft"), headers=admin)).json()
    public = (
        await client.post(NODES, json=node_body(title="Public", status="published"), headers=admin)
    ).json()
    archived = (
        await client.post(NODES, json=node_body(title="Old", status="published"), headers=admin)
    ).json()
    await client.post(f"{NODES}/{archived['id']}/archive", headers=admin)
    listing = (await client.get(NODES)).json()
    assert [n["id"] for n in listing["items"]] == [public["id"]] and listing["total"] == 1
    assert (await client.get(f"{NODES}/{public['id']}")).status_code == 200
    for hidden in (draft, archived):
        assert (await client.get(f"{NODES}/{hidden['id']}")).status_code == 404
        assert (await client.get(f"{NODES}/by-slug/article/{hidden['slug']}")).status_code == 404
    assert (await client.get(f"{NODES}?status=draft")).json()["total"] == 0
    customer = await login_as(client, platform, "customer")
    assert (await client.get(NODES, headers=customer)).json()["total"] == 1
    assert (await client.get(NODES, headers=admin)).json()["total"] == 3


async def test_authors_change_only_their_own_nodes(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    alice = await login_as(client, platform, "author")
    bob = await login_as(client, platform, "author")
    mine = await client.post(NODES, json=node_body(title="Alice's"), headers=alice)
    assert mine.status_code == 201, mine.text
    node = mine.json()
    theirs = (await client.post(NODES, json=node_body(title="Bob's"), headers=bob)).json()
    # Drafts of others are invisible; published ones visible but not editable.
    assert (await client.get(f"{NODES}/{theirs['id']}", headers=alice)).status_code == 404
    listed = (await client.get(NODES, headers=alice)).json()
    assert [n["id"] for n in listed["items"]] == [node["id"]]
    assert (await client.post(f"{NODES}/{theirs['id']}/publish", headers=bob)).status_code == 200
    for method, path, body in (
        ("PATCH", f"{NODES}/{theirs['id']}", {"position": 5}),
        ("POST", f"{NODES}/{theirs['id']}/unpublish", None),
        ("DELETE", f"{NODES}/{theirs['id']}", None),
    ):
        response = await client.request(method, path, json=body, headers=alice)
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "FORBIDDEN"
    after = (await client.get(f"{NODES}/{theirs['id']}", headers=alice)).json()
    assert (after["position"], after["status"]) == (0, "published")
    own = await client.patch(f"{NODES}/{node['id']}", json={"position": 7}, headers=alice)
    assert own.status_code == 200 and own.json()["position"] == 7
    assert (await client.post(f"{NODES}/{node['id']}/publish", headers=alice)).status_code == 200
    assert (await client.delete(f"{NODES}/{node['id']}", headers=alice)).status_code == 204


async def test_kind_permissions_apply_on_generic_routes(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    """nodes:create lets a role through the route; a post also needs posts:create."""
    await make_user(platform, "nodes-only@example.com", "customer")
    grants = [("nodes", action, "all") for action in ("create", "read", "update", "list")]
    await add_role(platform, "nodes-only@example.com", "node_editor", grants)
    editor = bearer(await sign_in(client, "nodes-only@example.com"))
    article = await client.post(NODES, json=node_body("article"), headers=editor)
    assert article.status_code == 201, article.text
    post = await client.post(NODES, json=node_body("post"), headers=editor)
    assert post.status_code == 403 and "posts:create" in post.json()["detail"]
    admin = await login_as(client, platform, "admin")
    admins_post = (await client.post(NODES, json=node_body("post"), headers=admin)).json()
    # Visible as a draft only to editors of posts: this role edits nodes, not posts.
    assert (await client.get(f"{NODES}/{admins_post['id']}", headers=editor)).status_code == 404
    assert (await client.get(f"{NODES}/{article.json()['id']}", headers=admin)).status_code == 200
