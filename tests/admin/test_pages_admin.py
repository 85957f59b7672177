"""The pages module's screens: pages with their blocks (one locale at a time, blocks added,
moved and removed without JavaScript), the state machine's buttons, and menus with nested
items, through PageService and MenuService with the permissions of ``/api/pages``."""

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
from tests.modules.helpers import error_code, event_types, gql, login_as

PAGES = "/admin/pages/pages"
MENUS = "/admin/pages/menus"
API = "/api/pages"
ROW_RE = re.compile(r'<a href="/admin/pages/pages/([0-9a-f-]{36})">([^<]*)</a>')
MENU_ROW_RE = re.compile(r'<a href="/admin/pages/menus/([0-9a-f-]{36})">([^<]*)</a>')
# A list page of 50 pages: the session check, its touch (at most once a minute), the count,
# the page, then NodeReader's batches (translations, authors, categories, tags): measured 7
# on SQLite and PostgreSQL. The budget does not grow with the rows.
LIST_BUDGET = 7
# The menus list: the session check, the count, the menus, their items in one batch:
# measured 4 on SQLite and PostgreSQL with four menus of 12 items each.
MENUS_BUDGET = 4


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _admin(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "boss@example.com", "admin")
    assert (await admin_sign_in(client, "boss@example.com")).status_code == 303


async def _page(
    client: httpx.AsyncClient, api: dict[str, str], title: str, *, locale: str = "en",
    publish: bool = False, blocks: list[dict[str, Any]] | None = None, slug: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    translation: dict[str, Any] = {"locale": locale, "title": title, "blocks": blocks or []}
    if slug:
        translation["slug"] = slug
    created = await client.post(
        API, json={"translations": [translation], "publish": publish}, headers=api
    )
    assert created.status_code == 201, created.text
    page: dict[str, Any] = created.json()
    return page


def _titles(page: str) -> list[str]:
    return [html.unescape(title) for _, title in ROW_RE.findall(page)]


async def _form(client: httpx.AsyncClient, path: str) -> tuple[str, dict[str, str]]:
    """The page at ``path`` and every field of its edit form as the browser would post it."""
    page = await client.get(path)
    assert page.status_code == 200, page.text
    form = page.text.split('<form method="post" action="', 2)
    edit = next(part for part in form[1:] if 'name="version"' in part)
    values: dict[str, str] = {}
    for name, value in re.findall(r'<input[^>]* name="([^"]+)"[^>]* value="([^"]*)"', edit):
        values[name] = html.unescape(value)
    for name in re.findall(r'<input[^>]* name="([^"]+)" type="checkbox" checked', edit):
        values[name] = "on"
    for name, body in re.findall(r'<textarea[^>]* name="([^"]+)"[^>]*>([^<]*)</textarea>', edit):
        values[name] = html.unescape(body)
    for name, options in re.findall(r'<select[^>]* name="([^"]+)"[^>]*>(.*?)</select>', edit, re.S):
        shown = re.search(r'<option value="([^"]*)" selected', options) or re.search(
            r'<option value="([^"]*)"', options
        )
        values[name] = html.unescape(shown.group(1)) if shown else ""
    values.pop("op", None)
    return page.text, values


async def test_the_pages_list_searches_filters_sorts_and_pages(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    await _page(client, api, "About us")
    await _page(client, api, "Contact 100%", publish=True)
    await _page(client, api, "Доставка", locale="ru")
    await client.post("/api/blog/posts", headers=api, json={
        "translations": [{"locale": "en", "title": "A post, not a page"}]})  # fmt: skip
    await _admin(client, app)
    listed = await client.get(PAGES)
    assert listed.status_code == 200
    assert _titles(listed.text) == ["Доставка", "Contact 100%", "About us"]
    assert "3 found" in listed.text
    assert _titles((await client.get(f"{PAGES}?q=CONTACT")).text) == ["Contact 100%"]
    assert _titles((await client.get(f"{PAGES}?q=100%25")).text) == ["Contact 100%"]
    assert _titles((await client.get(f"{PAGES}?status=draft")).text) == ["Доставка", "About us"]
    assert _titles((await client.get(f"{PAGES}?status=published")).text) == ["Contact 100%"]
    assert _titles((await client.get(f"{PAGES}?locale=en")).text) == ["Contact 100%", "About us"]
    assert _titles((await client.get(f"{PAGES}?sort=updated_at")).text) == [
        "About us", "Contact 100%", "Доставка"]  # fmt: skip
    none = await client.get(f"{PAGES}?q=nothing-like-it")
    assert "Nothing matches these filters." in none.text
    for bad in ("sort=title", "status=gone", "locale=xx", "page=0", "q=a&q=b"):
        refused = await client.get(f"{PAGES}?{bad}")
        assert refused.status_code == 400, bad
        assert "<html" in refused.text


async def test_empty_lists_say_how_to_create_a_page_and_a_menu(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await _admin(client, app)
    pages = await client.get(PAGES)
    assert "No pages yet." in pages.text and "POST /api/pages" in pages.text
    assert f'href="{PAGES}/new"' in pages.text
    menus = await client.get(MENUS)
    assert "No menus yet." in menus.text and "POST /api/pages/menus" in menus.text
    assert f'href="{MENUS}/new"' in menus.text
    sidebar = re.findall(r'<li><a href="(/admin/pages/[a-z]+)"[^>]*>([^<]+)</a>', pages.text)
    assert sidebar == [(PAGES, "Pages"), (MENUS, "Menus")]
    russian = await client.get(MENUS, headers={"Accept-Language": "ru"})
    assert "Меню пока нет." in russian.text and "Новое меню" in russian.text


async def test_a_list_of_50_pages_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    for i in range(51):
        await _page(client, api, f"Page {i}", blocks=[{"type": "spacer"}])
    await _admin(client, app)
    assert (await client.get(PAGES)).status_code == 200  # caches the principal
    with count_queries(app.platform.db) as counter:
        page = await client.get(PAGES)
    assert len(ROW_RE.findall(page.text)) == 50 and "51 found" in page.text
    assert counter.count <= LIST_BUDGET, counter.statements
    assert "Page 1 of 2" in page.text and 'rel="next"' in page.text
    second = await client.get(f"{PAGES}?page=2")
    assert _titles(second.text) == ["Page 0"]


async def test_a_new_page_then_blocks_added_moved_removed_and_saved(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    await _admin(client, app)
    new = await client.get(f"{PAGES}/new")
    token = csrf_of(new.text)
    empty = await client.post(f"{PAGES}/new", data={"_csrf": token, "locale": "en", "title": ""})
    assert empty.status_code == 400 and 'aria-describedby="title-error"' in empty.text
    created = await client.post(f"{PAGES}/new", data={
        "_csrf": token, "locale": "en", "title": "Landing", "slug": "landing"})  # fmt: skip
    assert created.status_code == 303
    path = created.headers["location"].split("?")[0]
    page_id = path.rsplit("/", 1)[1]
    page, form = await _form(client, created.headers["location"])
    assert "Created." in page and "No blocks yet" in page
    assert (form["title"], form["slug"], form["locale"]) == ("Landing", "landing", "en")
    # Add a hero, then a text block: each press re-renders the form, nothing saved yet.
    hero = await client.post(path, data={**form, "op": "add", "new_block": "hero"})
    assert hero.status_code == 200 and 'name="b0-type" value="hero"' in hero.text
    step = await client.post(path, data={
        **form, "b0-type": "hero", "b0-title": "Welcome", "b0-align": "left",
        "op": "add", "new_block": "text"})  # fmt: skip
    assert 'name="b1-type" value="text"' in step.text
    assert 'name="b0-title" type="text" value="Welcome"' in step.text  # typed values kept
    both = {**form, "b0-type": "hero", "b0-title": "Welcome", "b0-align": "left",
            "b1-type": "text", "b1-content": "Hello **there**", "b1-format": "markdown"}  # fmt: skip
    moved = await client.post(path, data={**both, "op": "down-0"})
    assert moved.text.index('name="b0-type" value="text"') < moved.text.index(
        'name="b1-type" value="hero"')  # fmt: skip
    assert 'name="b1-title" type="text" value="Welcome"' in moved.text
    assert (await client.get(f"{API}/{page_id}", headers=api)).json()["blocks"] == []
    swapped = {**form, "b0-type": "text", "b0-content": "Hello **there**", "b0-format": "markdown",
               "b1-type": "hero", "b1-title": "Welcome", "b1-align": "left"}  # fmt: skip
    added = {**swapped, "b2-type": "faq", "b2-items": "Why? | Because\r\nHow? | Like so",
             "b3-type": "spacer", "b3-height": "60"}  # fmt: skip
    removed = await client.post(path, data={**added, "op": "remove-3"})
    assert 'name="b3-type"' not in removed.text and 'name="b2-type" value="faq"' in removed.text
    since = len(await event_types(app.platform))
    saved = await client.post(path, data={**{k: v for k, v in added.items() if not
                                             k.startswith("b3-")}, "meta_title": "SEO!",
                                          "position": "4", "op": "save"})  # fmt: skip
    assert saved.status_code == 303, saved.text
    read = (await client.get(f"{API}/{page_id}", headers=api)).json()
    assert (read["meta_title"], read["position"]) == ("SEO!", 4)
    assert read["blocks"] == [
        {"type": "text", "content": "Hello **there**", "format": "markdown"},
        {"type": "hero", "title": "Welcome", "subtitle": None, "image_url": None,
         "cta_text": None, "cta_url": None, "align": "left"},
        {"type": "faq", "title": None, "items": [{"question": "Why?", "answer": "Because"},
                                                 {"question": "How?", "answer": "Like so"}]},
    ]  # fmt: skip
    assert "page.updated" in await event_types(app.platform, since)
    # The saved blocks come back as the same fields.
    page, again = await _form(client, saved.headers["location"])
    assert "Saved." in page
    assert again["b2-items"] == "Why? | Because\nHow? | Like so" and again["b1-align"] == "left"
    resaved = await client.post(path, data={**again, "op": "save"})
    assert resaved.status_code == 303
    assert (await client.get(f"{API}/{page_id}", headers=api)).json()["blocks"] == read["blocks"]


async def test_a_new_locale_tab_adds_a_translation_with_its_own_blocks(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    created = await _page(client, api, "Home", blocks=[{"type": "spacer", "height": 10}])
    await _admin(client, app)
    path = f"{PAGES}/{created['id']}"
    page, form = await _form(client, f"{path}?locale=ru")
    assert "not translated yet" in page and form["title"] == "" and "b0-type" not in form
    saved = await client.post(path, data={**form, "title": "Главная", "b0-type": "pricing",
        "b0-plans": "Базовый | 990 | RUB | month | Поддержка; Обновления | | | yes"})  # fmt: skip
    assert saved.status_code == 303, saved.text
    ru = (await client.get(f"{API}/{created['id']}?locale=ru", headers=api)).json()
    assert ru["locale"] == "ru" and ru["title"] == "Главная"
    assert ru["blocks"][0]["plans"] == [{
        "name": "Базовый", "price_amount": 990, "currency_code": "RUB", "period": "month",
        "features": ["Поддержка", "Обновления"], "cta_text": None, "cta_url": None,
        "highlighted": True}]  # fmt: skip
    en = (await client.get(f"{API}/{created['id']}?locale=en", headers=api)).json()
    assert en["blocks"] == [{"type": "spacer", "height": 10}]
    # Removing a translation is the PATCH's remove_locales; the last one has no button.
    page, form = await _form(client, f"{path}?locale=ru")
    assert 'name="op" value="remove_locale"' in page
    removed = await client.post(path, data={**form, "op": "remove_locale"})
    assert removed.status_code == 303 and "Translation removed." in (
        await client.get(removed.headers["location"])).text  # fmt: skip
    read = (await client.get(f"{API}/{created['id']}", headers=api)).json()
    assert [t["locale"] for t in read["translations"]] == ["en"]
    page, form = await _form(client, f"{path}?locale=en")
    assert 'value="remove_locale"' not in page
    last = await client.post(path, data={**form, "op": "remove_locale"})
    assert last.status_code == 400 and "a node keeps at least one translation" in last.text


async def test_validation_errors_show_under_their_fields_and_change_nothing(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    await _page(client, api, "Taken", slug="taken")
    created = await _page(client, api, "Mine", slug="mine")
    await _admin(client, app)
    path = f"{PAGES}/{created['id']}"
    _, form = await _form(client, path)
    bad = await client.post(path, data={**form, "b0-type": "hero", "b0-title": " ",
                                        "b0-align": "center"})  # fmt: skip
    assert bad.status_code == 400
    assert 'aria-invalid="true" aria-describedby="b0-title-error"' in bad.text
    assert 'name="b0-type" value="hero"' in bad.text  # the block is still on the form
    cta = await client.post(path, data={**form, "b0-type": "cta", "b0-title": "Go",
        "b0-button_text": "Buy", "b0-button_url": "javascript:alert(1)"})  # fmt: skip
    assert cta.status_code == 400 and 'id="b0-button_url-error"' in cta.text
    pair = await client.post(path, data={**form, "b0-type": "hero", "b0-title": "Hi",
                                         "b0-cta_text": "Go"})  # fmt: skip
    assert pair.status_code == 400 and "cta_text and cta_url go together" in pair.text
    lines = await client.post(path, data={**form, "b0-type": "gallery", "b0-images": ""})
    assert lines.status_code == 400 and 'id="b0-images-error"' in lines.text
    html_block = await client.post(path, data={**form, "b0-type": "html",
                                               "b0-html": "<script>x</script>"})  # fmt: skip
    assert html_block.status_code == 400 and "no script" in html_block.text
    title = await client.post(path, data={**form, "title": ""})
    assert title.status_code == 400 and 'id="title-error"' in title.text
    taken = await client.post(path, data={**form, "slug": "taken"})
    assert taken.status_code == 409 and 'id="slug-error"' in taken.text
    assert 'value="taken"' in taken.text
    template = await client.post(path, data={**form, "template": "Bad Template"})
    assert template.status_code == 400 and 'id="template-error"' in template.text
    position = await client.post(path, data={**form, "position": "-1"})
    assert position.status_code == 400 and 'id="position-error"' in position.text
    unknown = await client.post(path, data={**form, "b0-type": "carousel"})
    assert unknown.status_code == 400 and "unknown block type" in unknown.text
    read = (await client.get(f"{API}/{created['id']}", headers=api)).json()
    assert (read["title"], read["slug"], read["blocks"], read["template"]) == (
        "Mine", "mine", [], "default")  # fmt: skip


async def test_a_stale_form_is_refused_with_a_clear_message(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    created = await _page(client, api, "Shared")
    await _admin(client, app)
    path = f"{PAGES}/{created['id']}"
    _, form = await _form(client, path)
    other = await client.patch(f"{API}/{created['id']}", headers=api, json={
        "translations": [{"locale": "en", "title": "Their change"}]})  # fmt: skip
    assert other.status_code == 200
    stale = await client.post(path, data={**form, "title": "Mine"})
    assert stale.status_code == 409
    assert "someone changed this record after you opened the form" in stale.text
    read = (await client.get(f"{API}/{created['id']}", headers=api)).json()
    assert read["title"] == "Their change"


async def test_status_buttons_follow_the_state_machine_and_delete_removes_menu_links(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    created = await _page(client, api, "Terms")
    menu = await client.post(f"{API}/menus", headers=api, json={
        "name": "Footer", "location": "footer", "items": [
            {"labels": {"en": "Terms"}, "page_id": created["id"]},
            {"labels": {"en": "Blog"}, "url": "/blog"}]})  # fmt: skip
    assert menu.status_code == 201, menu.text
    await _admin(client, app)
    path = f"{PAGES}/{created['id']}"

    def buttons(page: str) -> list[str]:
        return re.findall(r'name="action" value="(\w+)"', page)

    page, form = await _form(client, path)
    assert buttons(page) == ["publish"]
    token = form["_csrf"]
    since = len(await event_types(app.platform))
    for action, after in [("publish", ["unpublish", "archive"]), ("archive", ["restore"]),
                          ("restore", ["publish"])]:  # fmt: skip
        changed = await client.post(f"{path}/status", data={"_csrf": token, "action": action})
        assert changed.status_code == 303, action
        page = (await client.get(path)).text
        assert buttons(page) == after and "Status changed." in page
    assert (await client.get(f"{API}/{created['id']}", headers=api)).json()["status"] == "draft"
    events = await event_types(app.platform, since)
    assert events.count("page.published") == 1 and events.count("page.unpublished") == 1
    assert {"node.archived", "node.restored"} <= set(events)
    refused = await client.post(f"{path}/status", data={"_csrf": token, "action": "unpublish"})
    assert refused.status_code == 409 and "cannot unpublish a draft node" in refused.text
    unknown = await client.post(f"{path}/status", data={"_csrf": token, "action": "x"})
    assert unknown.status_code == 400
    # The REST twins of the new buttons.
    assert (await client.post(f"{API}/{created['id']}/archive", headers=api)).status_code == 409
    assert (await client.post(f"{API}/{created['id']}/publish", headers=api)).status_code == 200
    archived = await client.post(f"{API}/{created['id']}/archive", headers=api)
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    restored = await client.post(f"{API}/{created['id']}/restore", headers=api)
    assert restored.status_code == 200 and restored.json()["status"] == "draft"
    # And their GraphQL twins (API-2 parity), with the same 409 on an illegal transition.
    archive = "mutation($id: ID!) { archivePage(id: $id) { status } }"
    restore = "mutation($id: ID!) { restorePage(id: $id) { status } }"
    refused_gql = await gql(client, archive, api, id=created["id"])
    assert error_code(refused_gql) == "INVALID_TRANSITION"
    await client.post(f"{API}/{created['id']}/publish", headers=api)
    assert (await gql(client, archive, api, id=created["id"]))["data"] == {
        "archivePage": {"status": "archived"}}  # fmt: skip
    assert (await gql(client, restore, api, id=created["id"]))["data"] == {
        "restorePage": {"status": "draft"}}  # fmt: skip

    deleted = await client.post(f"{path}/delete", data={"_csrf": token})
    assert deleted.status_code == 303 and deleted.headers["location"] == PAGES
    assert "Page deleted." in (await client.get(PAGES)).text
    assert (await client.get(f"{API}/{created['id']}", headers=api)).status_code == 404
    items = (await client.get(f"{API}/menus/{menu.json()['id']}")).json()["items"]
    assert [i["label"] for i in items] == ["Blog"]
    assert (await client.get(path)).status_code == 404


async def test_menus_are_created_edited_with_nesting_and_deleted(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    about = await _page(client, api, "About", slug="about")
    await client.post(f"{API}/menus", headers=api, json={"name": "Top", "location": "header"})
    await _admin(client, app)
    new = await client.get(f"{MENUS}/new")
    token = csrf_of(new.text)
    taken = await client.post(f"{MENUS}/new", data={"_csrf": token, "name": "Again",
                                                    "location": "header"})  # fmt: skip
    assert taken.status_code == 409
    assert 'id="location-error"' in taken.text and "already a header menu" in taken.text
    nameless = await client.post(f"{MENUS}/new", data={"_csrf": token, "name": " ",
                                                       "location": "footer"})  # fmt: skip
    assert nameless.status_code == 400 and 'id="name-error"' in nameless.text
    created = await client.post(f"{MENUS}/new", data={"_csrf": token, "name": "Bottom",
                                                      "location": "footer"})  # fmt: skip
    assert created.status_code == 303
    path = created.headers["location"]
    menu_id = path.rsplit("/", 1)[1]
    page, form = await _form(client, path)
    assert "Created." in page and "No items yet" in page
    one = await client.post(path, data={**form, "op": "add"})
    assert one.status_code == 200 and 'name="i0-level"' in one.text
    assert f'<option value="{about["id"]}">About (/about)</option>' in one.text
    rows = {**form,
            "i0-level": "1", "i0-label-en": "Company", "i0-page": "", "i0-url": "/company",
            "i1-level": "2", "i1-label-en": "About us", "i1-page": about["id"], "i1-url": "",
            "i2-level": "1", "i2-label-en": "Shop", "i2-page": "", "i2-url": "https://shop.example"}  # fmt: skip
    moved = await client.post(path, data={**rows, "op": "up-2"})
    assert (
        moved.text.index('value="Company"')
        < moved.text.index('value="Shop"')
        < (moved.text.index('value="About us"'))
    )
    deep = await client.post(path, data={**rows, "i1-level": "3"})
    assert deep.status_code == 400 and 'id="i1-level-error"' in deep.text
    both = await client.post(path, data={**rows, "i1-url": "/about"})
    assert both.status_code == 400 and "exactly one of url or page_id" in both.text
    bad_url = await client.post(path, data={**rows, "i2-url": "ftp://x"})
    assert bad_url.status_code == 400 and 'id="i2-url-error"' in bad_url.text
    no_label = await client.post(path, data={**rows, "i0-label-en": ""})
    assert no_label.status_code == 400 and 'id="i0-labels-error"' in no_label.text
    since = len(await event_types(app.platform))
    saved = await client.post(path, data={**rows, "name": "Footer links", "op": "save"})
    assert saved.status_code == 303, saved.text
    read = (await client.get(f"{API}/menus/{menu_id}")).json()
    assert read["name"] == "Footer links"
    tree = [(i["label"], i["url"], [(c["label"], c["page_id"]) for c in i["children"]])
            for i in read["items"]]  # fmt: skip
    assert tree == [("Company", "/company", [("About us", about["id"])]),
                    ("Shop", "https://shop.example", [])]  # fmt: skip
    assert "menu.updated" in await event_types(app.platform, since)
    page, again = await _form(client, path)
    assert (again["i1-level"], again["i1-page"], again["i1-label-en"]) == ("2", about["id"],
                                                                          "About us")  # fmt: skip
    stale = await client.post(path, data={**form, **rows})
    assert stale.status_code == 409 and "someone changed this record" in stale.text
    listed = await client.get(MENUS)
    assert [html.unescape(n) for _, n in MENU_ROW_RE.findall(listed.text)] == [
        "Footer links", "Top"]  # fmt: skip
    assert [n for _, n in MENU_ROW_RE.findall((await client.get(f"{MENUS}?location=header")).text)
            ] == ["Top"]  # fmt: skip
    assert (await client.get(f"{MENUS}?location=attic")).status_code == 400
    deleted = await client.post(f"{path}/delete", data={"_csrf": again["_csrf"]})
    assert deleted.status_code == 303 and "Menu deleted." in (await client.get(MENUS)).text
    assert (await client.get(f"{API}/menus/{menu_id}")).status_code == 404


async def test_a_menus_list_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    for location in ("header", "footer", "sidebar", "mobile"):
        items = [{"labels": {"en": f"L{i}"}, "url": f"/l{i}",
                  "children": [{"labels": {"en": "c"}, "url": "/c"}]} for i in range(6)]  # fmt: skip
        menu = await client.post(f"{API}/menus", headers=api, json={
            "name": location.title(), "location": location, "items": items})  # fmt: skip
        assert menu.status_code == 201, menu.text
    await _admin(client, app)
    assert (await client.get(MENUS)).status_code == 200
    with count_queries(app.platform.db) as counter:
        page = await client.get(MENUS)
    assert len(MENU_ROW_RE.findall(page.text)) == 4 and "<td>12</td>" in page.text
    assert counter.count <= MENUS_BUDGET, counter.statements


async def test_managers_customers_and_csrf_less_posts_are_refused(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await login_as(client, app.platform, "admin")
    created = await _page(client, api, "Secret draft")
    menu = (await client.post(f"{API}/menus", headers=api, json={
        "name": "Hidden menu", "location": "header"})).json()  # fmt: skip
    page_path, menu_path = f"{PAGES}/{created['id']}", f"{MENUS}/{menu['id']}"
    routes = [
        ("GET", PAGES), ("GET", f"{PAGES}/new"), ("POST", f"{PAGES}/new"), ("GET", page_path),
        ("POST", page_path), ("POST", f"{page_path}/status"), ("POST", f"{page_path}/delete"),
        ("GET", MENUS), ("GET", f"{MENUS}/new"), ("POST", f"{MENUS}/new"), ("GET", menu_path),
        ("POST", menu_path), ("POST", f"{menu_path}/delete"),
    ]  # fmt: skip
    # A manager has the admin's staff access but no pages:* permission.
    for email, role in [("manager@example.com", "manager"), ("customer@example.com", "customer")]:
        await make_user(app.platform, email, role)
        assert (await admin_sign_in(client, email)).status_code == 303
        home = await client.get("/admin")
        token = csrf_of(home.text)
        assert f'href="{PAGES}"' not in home.text and f'href="{MENUS}"' not in home.text
        for method, path in routes:
            response = await client.request(method, path, data={
                "_csrf": token, "action": "publish", "title": "x", "name": "x",
                "location": "footer"})  # fmt: skip
            assert response.status_code == 403, (role, method, path)
            assert "Secret draft" not in response.text and "Hidden menu" not in response.text
        client.cookies.clear()
    await _admin(client, app)
    for path in (f"{page_path}/delete", f"{page_path}/status", f"{menu_path}/delete",
                 f"{PAGES}/new", page_path):  # fmt: skip
        refused = await client.post(path, data={"action": "publish", "title": "x"})
        assert refused.status_code == 403, path
        assert "CSRF token" in refused.text
    read = (await client.get(f"{API}/{created['id']}", headers=api)).json()
    assert (read["status"], read["title"]) == ("draft", "Secret draft")
    assert (await client.get(f"{API}/menus/{menu['id']}")).status_code == 200
