"""Blog: posts with tags by name, publish/unpublish, comments by customers (their own only to
change), counters and errors; GraphQL the same."""

from __future__ import annotations

import httpx

from rustok.core.platform import Platform
from tests.modules.helpers import error_code, event_types, gql, login_as

POSTS = "/api/blog/posts"


def post_body(title: str = "First post", **extra: object) -> dict[str, object]:
    return {"translations": [{"locale": "en", "title": title, "body": "Text"}], **extra}


async def test_posts_with_tags_publish_unpublish(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    manager = await login_as(client, platform, "manager")
    created = await client.post(POSTS, json=post_body(tags=["Python", "Web Dev", "python"]),
                                headers=manager)  # fmt: skip
    assert created.status_code == 201, created.text
    post = created.json()
    assert (post["kind"], post["status"]) == ("post", "draft")
    assert [t["slug"] for t in post["tags"]] == ["python", "web-dev"]
    assert (await client.get(f"{POSTS}/{post['id']}")).status_code == 404
    published = await client.post(f"{POSTS}/{post['id']}/publish", headers=manager)
    assert published.json()["status"] == "published"
    assert (await client.get(f"{POSTS}?tag=web-dev")).json()["total"] == 1
    assert (await client.get(f"{POSTS}/by-slug/first-post")).json()["id"] == post["id"]
    again = await client.post(f"{POSTS}/{post['id']}/publish", headers=manager)
    assert again.status_code == 409 and again.json()["code"] == "INVALID_TRANSITION"
    retagged = await client.patch(f"{POSTS}/{post['id']}", json={"tags": ["Rust"]}, headers=manager)
    assert [t["name"] for t in retagged.json()["tags"]] == ["Rust"]
    unpublished = await client.post(f"{POSTS}/{post['id']}/unpublish", headers=manager)
    assert unpublished.json()["status"] == "draft" and unpublished.json()["published_at"] is None
    assert (await client.get(POSTS)).json()["total"] == 0
    # A node of another kind is not a post.
    other = await client.post("/api/content/nodes", json={"kind": "article", "translations": [
        {"locale": "en", "title": "A"}]}, headers=manager)  # fmt: skip
    assert (await client.get(f"{POSTS}/{other.json()['id']}", headers=manager)).status_code == 404
    kinds = await event_types(platform)
    assert kinds.count("tag.created") == 3 and kinds.count("node.published") == 1


async def test_comments(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    post = (await client.post(POSTS, json=post_body(publish=True), headers=admin)).json()
    draft = (await client.post(POSTS, json=post_body("Draft"), headers=admin)).json()
    alice = await login_as(client, platform, "customer")
    bob = await login_as(client, platform, "customer")
    closed = await client.post(
        f"{POSTS}/{draft['id']}/comments", json={"body": "hi"}, headers=admin
    )
    assert closed.status_code == 409 and closed.json()["code"] == "COMMENTS_CLOSED"
    comment = await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Nice!\nMore"},
                                headers=alice)  # fmt: skip
    assert comment.status_code == 201, comment.text
    mine = comment.json()
    assert (mine["kind"], mine["title"], mine["body"]["body"]) == (
        "comment",
        "Nice!",
        "Nice!\nMore",
    )
    await client.post(f"{POSTS}/{post['id']}/comments", json={"body": "Me too"}, headers=bob)
    assert (await client.get(f"{POSTS}/{post['id']}")).json()["reply_count"] == 2
    listed = (await client.get(f"{POSTS}/{post['id']}/comments")).json()
    assert [c["body"] for c in listed["items"]] == [None, None] and listed["total"] == 2
    theirs = await client.patch(f"/api/blog/comments/{mine['id']}", json={"body": "x"}, headers=bob)
    assert theirs.status_code == 403
    assert (await client.delete(f"/api/blog/comments/{mine['id']}", headers=bob)).status_code == 403
    edited = await client.patch(f"/api/blog/comments/{mine['id']}", json={"body": "Edited"},
                                headers=alice)  # fmt: skip
    assert edited.json()["body"]["body"] == "Edited"
    assert (
        await client.delete(f"/api/blog/comments/{mine['id']}", headers=alice)
    ).status_code == 204
    assert (await client.get(f"{POSTS}/{post['id']}")).json()["reply_count"] == 1
    generic = await client.post("/api/content/nodes", json={"kind": "comment", "translations": [
        {"locale": "en", "title": "x"}]}, headers=admin)  # fmt: skip
    assert generic.status_code == 400  # comments only through the blog
    assert (await client.delete(f"{POSTS}/{post['id']}", headers=admin)).status_code == 204
    assert (await client.get("/api/content/nodes?kind=comment", headers=admin)).json()["total"] == 0


async def test_blog_graphql(client: httpx.AsyncClient, platform: Platform) -> None:
    admin = await login_as(client, platform, "admin")
    created = await gql(
        client, 'mutation { createBlogPost(input: {translations: [{locale: "en", title: "GQL"}], '
        'tags: ["graph"], publish: true}) { id status tags { name } } }', admin,
    )  # fmt: skip
    post = created["data"]["createBlogPost"]
    assert post["status"] == "published" and post["tags"] == [{"name": "graph"}]
    customer = await login_as(client, platform, "customer")
    comment = await gql(
        client, 'mutation($id: ID!) { addBlogComment(postId: $id, body: "Neat") { kind title } }',
        customer, id=post["id"],
    )  # fmt: skip
    assert comment["data"]["addBlogComment"] == {"kind": "comment", "title": "Neat"}
    listed = await gql(client, "{ blogPosts { totalCount edges { node { replyCount } } } }")
    assert listed["data"]["blogPosts"] == {"totalCount": 1, "edges": [{"node": {"replyCount": 1}}]}
    denied = await gql(client, 'mutation($id: ID!) { unpublishBlogPost(id: $id) { status } }',
                       customer, id=post["id"])  # fmt: skip
    assert error_code(denied) == "FORBIDDEN"
