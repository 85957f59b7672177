"""The content screens: blog posts and content nodes (list, side-by-side translations with
a Markdown preview, the state machine's buttons) through BlogService and NodeService with
the REST routes' permissions."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.auth.helpers import make_user
from tests.conftest import count_queries, make_settings
from tests.modules.helpers import event_types, login_as

POSTS = "/admin/blog/posts"
NODES = "/admin/content/nodes"
API = "/api/blog/posts"
ROW_RE = re.compile(r'<a href="/admin/(?:blog/posts|content/nodes)/([0-9a-f-]{36})">([^<]*)</a>')
# A list page of 50 posts: the session check, its touch (at most once a minute), the count,
# the page, then NodeReader's batches (translations, authors, categories, tags): measured 7
# on SQLite and PostgreSQL (the principal is cached after the first page). The budget does
# not grow with the rows.
LIST_BUDGET = 7


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _manager(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "editor@example.com", "manager")
    assert (await admin_sign_in(client, "editor@example.com")).status_code == 303


async def _post(
    client: httpx.AsyncClient, api: dict[str, str], title: str, *, locales: tuple[str, ...] = ("en",),
    publish: bool = False, body: str = "Text",
) -> dict[str, Any]:  # fmt: skip
    translations = [{"locale": loc, "title": f"{title}" if loc == locales[0] else f"{title} {loc}",
                     "body": body} for loc in locales]  # fmt: skip
    created = await client.post(
        API, json={"translations": translations, "publish": publish}, headers=api
    )
    assert created.status_code == 201, created.text
    post: dict[str, Any] = created.json()
    return post


def _titles(page: str) -> list[str]:
    return [html.unescape(title) for _, title in ROW_RE.findall(page)]


async def test_the_posts_list_searches_filters_and_sorts(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    await _post(client, api, "Alpha draft")
    await _post(client, api, "Beta 100% published", publish=True)
    await _post(client, api, "Gamma russian", locales=("ru",))
    await client.post("/api/content/nodes", headers=api, json={
        "kind": "article", "translations": [{"locale": "en", "title": "An article"}]})  # fmt: skip
    await _manager(client, app)
    listed = await client.get(POSTS)
    assert listed.status_code == 200
    assert _titles(listed.text) == ["Gamma russian", "Beta 100% published", "Alpha draft"]
    assert "3 found" in listed.text
    assert _titles((await client.get(f"{POSTS}?q=BETA")).text) == ["Beta 100% published"]
    assert _titles((await client.get(f"{POSTS}?q=100%25")).text) == ["Beta 100% published"]
    assert _titles((await client.get(f"{POSTS}?q=%25")).text) == ["Beta 100% published"]
    assert _titles((await client.get(f"{POSTS}?status=draft")).text) == [
        "Gamma russian", "Alpha draft"]  # fmt: skip
    assert _titles((await client.get(f"{POSTS}?locale=en")).text) == [
        "Beta 100% published", "Alpha draft"]  # fmt: skip
    assert _titles((await client.get(f"{POSTS}?sort=created_at")).text)[0] == "Alpha draft"
    assert _titles((await client.get(f"{POSTS}?sort=-published_at&status=published")).text) == [
        "Beta 100% published"]  # fmt: skip
    nodes = await client.get(f"{NODES}?kind=article")
    assert _titles(nodes.text) == ["An article"] and "1 found" in nodes.text
    for bad in ("sort=title", "status=gone", "locale=xx", "kind=post%20x", "page=0"):
        refused = await client.get(f"{POSTS if 'kind' not in bad else NODES}?{bad}")
        assert refused.status_code == 400, bad
        assert "<html" in refused.text


async def test_the_empty_list_says_how_to_write_a_post(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await _manager(client, app)
    page = await client.get(POSTS)
    assert "Nothing here yet." in page.text and "POST /api/blog/posts" in page.text


async def test_a_list_of_50_posts_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    for i in range(50):
        await _post(client, api, f"Post {i}", locales=("en", "ru"))
    await _manager(client, app)
    assert (await client.get(POSTS)).status_code == 200  # caches the principal
    with count_queries(app.platform.db) as counter:
        page = await client.get(POSTS)
    assert len(ROW_RE.findall(page.text)) == 50
    assert counter.count <= LIST_BUDGET, counter.statements


async def _form(client: httpx.AsyncClient, path: str) -> tuple[str, dict[str, str]]:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    version = re.search(r'name="version" value="([^"]+)"', page.text)
    assert version is not None
    return page.text, {"_csrf": csrf_of(page.text), "version": version.group(1)}


def _values(page: str, *locales: str) -> dict[str, str]:
    """The text fields of the columns of ``locales`` as the page shows them."""
    values = {}
    for loc in locales:
        for name in ("title", "slug", "excerpt"):
            found = re.search(rf'name="{name}-{loc}" type="text" value="([^"]*)"', page)
            assert found is not None, (name, loc)
            values[f"{name}-{loc}"] = html.unescape(found.group(1))
        body = re.search(rf'name="body-{loc}"[^>]*>([^<]*)</textarea>', page, re.S)
        assert body is not None
        values[f"body-{loc}"] = html.unescape(body.group(1))
    return values


async def test_translations_side_by_side_save_through_the_blog_service(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    post = await _post(client, api, "Hello", locales=("en", "ru"), body="# Hi")
    await _manager(client, app)
    page, form = await _form(client, f"{POSTS}/{post['id']}")
    shown = _values(page, "en", "ru")
    assert shown["title-en"] == "Hello" and shown["title-ru"] == "Hello ru"
    assert shown["body-en"] == "# Hi" and shown["slug-ru"] == "hello-ru"
    assert "<h1>Hi</h1>" in page  # the preview, rendered on the server
    assert page.count('name="action" value="publish"') == 1  # a draft: Publish only
    assert 'value="archive"' not in page and 'value="unpublish"' not in page
    since = len(await event_types(app.platform))
    saved = await client.post(f"{POSTS}/{post['id']}", data={
        **form, **shown, "title-ru": "Привет", "body-ru": "Текст\r\n**жирный**",
        "excerpt-en": "Short"})  # fmt: skip
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{POSTS}/{post['id']}"
    assert "Saved." in (await client.get(saved.headers["location"])).text
    ru = (await client.get(f"{API}/{post['id']}?locale=ru", headers=api)).json()
    assert ru["title"] == "Привет" and ru["body"]["body"] == "Текст\n**жирный**"
    en = (await client.get(f"{API}/{post['id']}?locale=en", headers=api)).json()
    assert en["excerpt"] == "Short" and en["title"] == "Hello"
    changed = await event_types(app.platform, since)
    assert {"node.translation.updated", "body.updated", "node.updated"} <= set(changed)


async def test_service_errors_show_inline_and_change_nothing(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    await _post(client, api, "Taken", locales=("ru",))
    post = await _post(client, api, "Hello", locales=("en", "ru"))
    await _manager(client, app)
    page, form = await _form(client, f"{POSTS}/{post['id']}")
    shown = _values(page, "en", "ru")
    empty = await client.post(f"{POSTS}/{post['id']}", data={**form, **shown, "title-ru": " "})
    assert empty.status_code == 400
    assert 'aria-invalid="true" aria-describedby="title-ru-error"' in empty.text
    assert 'id="title-ru-error"' in empty.text
    # The slug check is the service's (409 SLUG_TAKEN with errors on translations[1].slug).
    taken = await client.post(f"{POSTS}/{post['id']}", data={**form, **shown, "slug-ru": "taken"})
    assert taken.status_code == 409
    assert 'id="slug-ru-error"' in taken.text and "taken by another post in locale ru" in taken.text
    assert 'value="taken"' in taken.text  # the submitted value is kept
    ru = (await client.get(f"{API}/{post['id']}?locale=ru", headers=api)).json()
    assert (ru["title"], ru["slug"]) == ("Hello ru", "hello-ru")


async def test_a_new_locale_column_adds_a_translation_and_a_stale_form_is_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    post = await _post(client, api, "Hello", locales=("ru",))
    await _manager(client, app)
    page, form = await _form(client, f"{POSTS}/{post['id']}")
    assert "not translated yet" in page  # the tenant's "en" column, empty
    shown = _values(page, "ru", "en")
    added = await client.post(f"{POSTS}/{post['id']}", data={
        **form, **shown, "title-en": "Hello", "body-en": "Body"})  # fmt: skip
    assert added.status_code == 303
    en = (await client.get(f"{API}/{post['id']}?locale=en", headers=api)).json()
    assert (en["locale"], en["title"], en["body"]["body"]) == ("en", "Hello", "Body")
    stale = await client.post(f"{POSTS}/{post['id']}", data={**form, **shown, "title-ru": "Late"})
    assert stale.status_code == 409
    assert "someone changed this record after you opened the form" in stale.text
    ru = (await client.get(f"{API}/{post['id']}?locale=ru", headers=api)).json()
    assert ru["title"] == "Hello"


async def test_status_buttons_follow_the_state_machine(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    post = await _post(client, api, "Hello")
    await _manager(client, app)
    path = f"{POSTS}/{post['id']}"
    page, form = await _form(client, path)
    published = await client.post(f"{path}/status", data={"_csrf": form["_csrf"],
                                                          "action": "publish"})  # fmt: skip
    assert published.status_code == 303
    page = (await client.get(path)).text
    assert "Status changed." in page
    buttons = re.findall(r'name="action" value="(\w+)"', page)
    assert buttons == ["unpublish", "archive"]
    assert (await client.get(f"{API}/{post['id']}")).json()["status"] == "published"
    refused = await client.post(f"{path}/status", data={"_csrf": form["_csrf"],
                                                        "action": "restore"})  # fmt: skip
    assert refused.status_code == 409 and "cannot restore a published node" in refused.text
    unknown = await client.post(f"{path}/status", data={"_csrf": form["_csrf"], "action": "x"})
    assert unknown.status_code == 400
    archived = await client.post(f"{path}/status", data={"_csrf": form["_csrf"],
                                                         "action": "archive"})  # fmt: skip
    assert archived.status_code == 303
    assert re.findall(r'name="action" value="(\w+)"', (await client.get(path)).text) == ["restore"]
    assert "node.archived" in await event_types(app.platform)


async def test_the_preview_renders_markdown_without_raw_html(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await _manager(client, app)
    token = csrf_of((await client.get(POSTS)).text)
    source = "# Title\n\n<script>alert(1)</script> [x](javascript:alert(1)) [ok](/a) **b**"
    fragment = await client.post(
        f"{POSTS}/preview", data={"preview": "ru", "body-ru": source},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )  # fmt: skip
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "<h1>Title</h1>" in fragment.text and "<strong>b</strong>" in fragment.text
    assert "&lt;script&gt;" in fragment.text and "<script>" not in fragment.text
    assert 'href="/a"' in fragment.text and "javascript:" not in fragment.text.split("href")[-1]
    assert 'href="javascript' not in fragment.text
    whole = await client.post(f"{NODES}/preview", data={"_csrf": token, "preview": "en",
                                                        "body-en": "*hi*"})  # fmt: skip
    assert whole.status_code == 200 and "<em>hi</em>" in whole.text and "<html" in whole.text
    missing = await client.post(f"{POSTS}/preview", data={"_csrf": token, "preview": "de"})
    assert missing.status_code == 400


async def test_content_nodes_edit_through_the_node_service(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    node = (await client.post("/api/content/nodes", headers=api, json={
        "kind": "article", "translations": [{"locale": "en", "title": "Doc"}]})).json()  # fmt: skip
    post = await _post(client, api, "Open", publish=True)
    comment = await client.post(f"{API}/{post['id']}/comments", headers=api, json={"body": "Hi"})
    await _manager(client, app)
    page, form = await _form(client, f"{NODES}/{node['id']}")
    saved = await client.post(f"{NODES}/{node['id']}", data={
        **form, **_values(page, "en"), "title-en": "Guide", "body-en": "Read me"})  # fmt: skip
    assert saved.status_code == 303
    read = (await client.get(f"/api/content/nodes/{node['id']}", headers=api)).json()
    assert (read["title"], read["body"]["body"]) == ("Guide", "Read me")
    # Comments belong to the blog: the generic service refuses them, as over REST.
    page, form = await _form(client, f"{NODES}/{comment.json()['id']}")
    refused = await client.post(f"{NODES}/{comment.json()['id']}", data={
        **form, **_values(page, "en"), "title-en": "Edited"})  # fmt: skip
    assert refused.status_code == 409 and "change only through their own module" in refused.text


async def test_customers_are_refused_on_the_content_screens(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    post = await _post(client, api, "Secret draft")
    await make_user(app.platform, "customer@example.com", "customer")
    assert (await admin_sign_in(client, "customer@example.com")).status_code == 303
    refused = await client.get("/admin")
    token = csrf_of(refused.text)
    for method, path in [
        ("GET", POSTS), ("GET", f"{POSTS}/{post['id']}"), ("POST", f"{POSTS}/{post['id']}"),
        ("POST", f"{POSTS}/{post['id']}/status"), ("POST", f"{POSTS}/preview"),
        ("GET", NODES), ("GET", f"{NODES}/{post['id']}"), ("POST", f"{NODES}/{post['id']}/status"),
    ]:  # fmt: skip
        response = await client.request(method, path, data={"_csrf": token, "action": "publish"})
        assert response.status_code == 403, (method, path)
        assert "Secret draft" not in response.text
    assert (await client.get(f"{API}/{post['id']}", headers=api)).json()["status"] == "draft"


async def test_a_new_post_is_a_draft_created_through_the_blog_service(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    await _manager(client, app)
    assert 'href="/admin/blog/posts/new"' in (await client.get(POSTS)).text
    form = await client.get(f"{POSTS}/new")
    assert form.status_code == 200 and 'name="title"' in form.text
    token = csrf_of(form.text)
    empty = await client.post(f"{POSTS}/new", data={"_csrf": token, "locale": "en", "title": ""})
    assert empty.status_code == 400
    assert 'aria-invalid="true" aria-describedby="title-error"' in empty.text
    bad_locale = await client.post(f"{POSTS}/new", data={"_csrf": token, "locale": "x",
                                                         "title": "Hi"})  # fmt: skip
    assert bad_locale.status_code == 400 and 'id="locale-error"' in bad_locale.text
    created = await client.post(f"{POSTS}/new", data={"_csrf": token, "locale": "en",
                                                      "title": "Fresh"})  # fmt: skip
    assert created.status_code == 303
    post_id = created.headers["location"].rsplit("/", 1)[1]
    read = (await client.get(f"{API}/{post_id}", headers=api)).json()
    assert (read["title"], read["status"], read["kind"]) == ("Fresh", "draft", "post")
    assert "Created." in (await client.get(created.headers["location"])).text


TAGS = "/admin/content/tags"
# The session check, the count, the page and the tags' names in one batch: measured 4 on
# SQLite and PostgreSQL for 50 tags in two locales.
TAGS_BUDGET = 4


async def test_tags_are_listed_and_added_through_the_tag_service(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    await client.post(API, headers=api, json={
        "translations": [{"locale": "en", "title": "Tagged"}], "tags": ["Python"]})  # fmt: skip
    await _manager(client, app)
    listed = await client.get(TAGS)
    assert listed.status_code == 200
    assert "<code>python</code>" in listed.text and "1 found" in listed.text
    token = csrf_of(listed.text)
    empty = await client.post(TAGS, data={"_csrf": token, "locale": "en", "name": " "})
    assert empty.status_code == 400
    assert 'aria-invalid="true" aria-describedby="name-error"' in empty.text
    bad_slug = await client.post(TAGS, data={"_csrf": token, "locale": "en", "name": "Go",
                                             "slug": "Not a slug!"})  # fmt: skip
    assert bad_slug.status_code == 400 and 'id="slug-error"' in bad_slug.text
    added = await client.post(TAGS, data={"_csrf": token, "locale": "en", "name": "Web Dev"})
    assert added.status_code == 303 and added.headers["location"] == TAGS
    after = await client.get(TAGS)
    assert "Created." in after.text and "<code>web-dev</code>" in after.text
    tags = (await client.get("/api/content/tags")).json()
    assert sorted(t["slug"] for t in tags["items"]) == ["python", "web-dev"]
    assert "tag.created" in await event_types(app.platform)


async def test_a_list_of_50_tags_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    for i in range(50):
        created = await client.post("/api/content/tags", headers=api, json={
            "translations": [{"locale": "en", "name": f"Tag {i}"}, {"locale": "ru", "name": f"Метка {i}"}]})  # fmt: skip
        assert created.status_code == 201, created.text
    await _manager(client, app)
    assert (await client.get(TAGS)).status_code == 200  # caches the principal
    with count_queries(app.platform.db) as counter:
        page = await client.get(TAGS)
    assert page.text.count("<code>tag-") == 50
    assert counter.count <= TAGS_BUDGET, counter.statements
