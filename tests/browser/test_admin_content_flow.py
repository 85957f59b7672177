"""The content screens in a real browser (issue 18): write a post in two languages with the
Markdown preview, publish it and find both languages in the storefront's read model once the
projector ran; moderate a customer's forum reply and pin its topic; axe-core on every new
screen, a screenshot of each under ``var/screenshots/``.

The server, the browser and axe-core are ``test_admin_flow``'s (SQLite only: the routes and
services are covered on both databases by ``tests/admin``). The setup goes through the API as
a client would: the platform admin enables Russian for the demo tenant, the shop's admin opens
a moderated forum category and a topic, a customer registers and replies.
"""

from __future__ import annotations

import concurrent.futures
import time
from typing import Any

import httpx

from rustok.cli.demo import DEMO_ADMIN_EMAIL, DEMO_PASSWORD, PLATFORM_ADMIN_EMAIL
from tests.browser.test_admin_flow import (
    SCREENSHOTS,
    _screen,
    sign_in_as_demo_admin,
    wait_for_htmx,
)
from tests.browser.test_swagger_demo_flow import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _page,
    pytestmark,  # noqa: F401 - slow, and the long timeout
    server,  # noqa: F401 - the demo server fixture
)
from tests.modules.content.media_samples import png

DEMO = {"X-Tenant-ID": "demo"}
SCREENS = (
    "posts", "post-new", "post-edit", "content-nodes", "tags", "content-categories", "media",
    "moderation", "topics",
)  # fmt: skip


def _token(base: str, email: str, password: str, headers: dict[str, str]) -> dict[str, str]:
    login = httpx.post(f"{base}/api/auth/login", headers=headers, timeout=30,
                       json={"email": email, "password": password})  # fmt: skip
    assert login.status_code == 200, login.text
    return {**headers, "Authorization": f"Bearer {login.json()['access_token']}"}


def _setup(base: str) -> dict[str, Any]:
    platform = _token(base, PLATFORM_ADMIN_EMAIL, DEMO_PASSWORD, {})
    tenants = httpx.get(f"{base}/api/admin/tenants", headers=platform, timeout=30).json()
    demo = next(t for t in tenants["items"] if t["slug"] == "demo")
    enabled = httpx.patch(f"{base}/api/admin/tenants/{demo['id']}", headers=platform, timeout=30,
                          json={"locales": [{"locale": "en"}, {"locale": "ru"}]})  # fmt: skip
    assert enabled.status_code == 200, enabled.text
    admin = _token(base, DEMO_ADMIN_EMAIL, DEMO_PASSWORD, DEMO)
    category = httpx.post(f"{base}/api/forum/categories", headers=admin, timeout=30, json={
        "translations": [{"locale": "en", "title": "Support"}], "moderated": True})  # fmt: skip
    assert category.status_code == 201, category.text
    topic = httpx.post(f"{base}/api/forum/topics", headers=admin, timeout=30, json={
        "category_id": category.json()["id"],
        "translations": [{"locale": "en", "title": "Kettle broke", "body": "Help?"}]})  # fmt: skip
    assert topic.status_code == 201, topic.text
    registered = httpx.post(f"{base}/api/auth/register", headers=DEMO, timeout=30, json={
        "email": "reader@example.com", "password": "Correct-Horse-42-battery"})  # fmt: skip
    assert registered.status_code in (200, 201), registered.text
    customer = _token(base, "reader@example.com", "Correct-Horse-42-battery", DEMO)
    reply = httpx.post(f"{base}/api/forum/topics/{topic.json()['id']}/replies", headers=customer,
                       timeout=30, json={"body": "Try descaling it"})  # fmt: skip
    assert reply.status_code == 201 and reply.json()["status"] == "pending", reply.text
    return {"admin": admin, "topic": topic.json()["id"], "reply": reply.json()["id"]}


def _drive(base: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    seen: dict[str, Any] = {"console": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page, elsewhere = _page(browser, base)
            page.on(
                "console", lambda m: seen["console"].append(m.text) if m.type == "error" else None
            )
            sign_in_as_demo_admin(page, base)
            sections = page.get_by_role("navigation", name="Sections")

            sections.get_by_role("link", name="Posts", exact=True).click()
            page.get_by_role("heading", name="Posts").wait_for()
            _screen(page, "posts", seen)
            page.get_by_role("link", name="New post").click()
            page.get_by_role("heading", name="New post").wait_for()
            _screen(page, "post-new", seen)
            page.get_by_label("Title", exact=True).fill("Admin notes")
            page.get_by_role("button", name="Create").click()
            page.get_by_role("heading", name="Admin notes").wait_for()
            # htmx notes a field's value when it takes the page in: on a loaded machine
            # that can come after a fill, and "keyup changed" then sees no change. So wait
            # for htmx, and type the last character (a change and a keyup either way).
            wait_for_htmx(page)
            body_en = page.get_by_label("Body, Markdown (en)")
            body_en.fill("Hello **world*")
            body_en.press("*")  # a keyup after a change: htmx posts the preview
            page.locator("#preview-en strong").get_by_text("world").wait_for()
            page.get_by_label("Title (ru)").fill("Заметки")
            body_ru = page.get_by_label("Body, Markdown (ru)")
            body_ru.fill("Привет, *мир")
            body_ru.press("*")
            page.locator("#preview-ru em").get_by_text("мир").wait_for()
            page.get_by_role("button", name="Save", exact=True).click()
            page.get_by_role("status").get_by_text("Saved.").wait_for()
            _screen(page, "post-edit", seen)
            page.get_by_role("button", name="Publish", exact=True).click()
            page.get_by_role("status").get_by_text("Status changed.").wait_for()
            seen["buttons"] = page.locator(".actions button").all_inner_texts()
            seen["post_path"] = page.url.removeprefix(base)

            sections.get_by_role("link", name="Content nodes").click()
            page.get_by_role("heading", name="Content nodes").wait_for()
            _screen(page, "content-nodes", seen)
            sections.get_by_role("link", name="Tags").click()
            page.get_by_role("heading", name="Tags", exact=True).wait_for()
            page.get_by_label("Name").fill("Kitchen")
            page.get_by_role("button", name="Create").click()
            page.get_by_role("status").get_by_text("Created.").wait_for()
            seen["tags"] = page.locator("#results tbody").inner_text()
            _screen(page, "tags", seen)
            sections.locator('a[href="/admin/content/categories"]').click()
            page.get_by_role("heading", name="Categories", exact=True).wait_for()
            page.get_by_label("Name", exact=True).fill("Recipes")
            page.get_by_role("button", name="Add the category").click()
            page.get_by_text("Category added.").wait_for()
            seen["content_categories"] = page.locator("#results tbody").inner_text()
            _screen(page, "content-categories", seen)
            sections.get_by_role("link", name="Media library").click()
            page.get_by_role("heading", name="Media library").wait_for()
            page.get_by_label("File (images, PDF and the other allowed types)").set_input_files(
                files=[{"name": "dot.png", "mimeType": "image/png", "buffer": png(2, 2)}]
            )
            page.get_by_label("Alternative text (optional)").fill("A dot")
            page.get_by_role("button", name="Upload", exact=True).click()
            page.get_by_text("The file is uploaded.").wait_for()
            seen["media"] = page.locator("#results tbody").inner_text()
            _screen(page, "media", seen)

            sections.get_by_role("link", name="Moderation queue").click()
            page.get_by_role("heading", name="Moderation queue").wait_for()
            _screen(page, "moderation", seen)
            page.get_by_role("button", name="Approve: Try descaling it").click()
            page.get_by_role("status").get_by_text("Reply moderated.").wait_for()
            seen["after_approve"] = page.locator("#results tbody tr").all_inner_texts()

            sections.get_by_role("link", name="Topics").click()
            page.get_by_role("heading", name="Topics").wait_for()
            _screen(page, "topics", seen)
            page.get_by_role("button", name="Pin: Kettle broke").click()
            page.get_by_role("status").get_by_text("Topic changed.").wait_for()
            seen["elsewhere"] = elsewhere
        finally:
            browser.close()
    return seen


def _storefront(base: str, kind: str, slug: str, locale: str) -> dict[str, Any]:
    """The storefront's read of a post, once the projector has caught up (60 s at most)."""
    deadline = time.monotonic() + 60
    while True:
        read = httpx.get(f"{base}/api/store/content/{kind}/{slug}", params={"locale": locale},
                         headers=DEMO, timeout=30)  # fmt: skip
        if read.status_code == 200 or time.monotonic() > deadline:
            assert read.status_code == 200, read.text
            found: dict[str, Any] = read.json()
            return found
        time.sleep(0.5)


def test_write_publish_a_post_in_two_languages_and_moderate_a_reply(
    server: str,  # noqa: F811 - the fixture
) -> None:
    setup = _setup(server)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        seen = pool.submit(_drive, server).result(timeout=600)
    post_id = seen["post_path"].rsplit("/", 1)[1]
    assert seen["buttons"] == ["Unpublish", "Archive"]
    assert "kitchen" in seen["tags"]
    admin = setup["admin"]
    slugs = {}
    for locale in ("en", "ru"):
        read = httpx.get(f"{server}/api/blog/posts/{post_id}", params={"locale": locale},
                         headers=admin, timeout=30).json()  # fmt: skip
        assert read["status"] == "published" and read["locale"] == locale
        slugs[locale] = read["slug"]
    english = _storefront(server, "post", slugs["en"], "en")
    russian = _storefront(server, "post", slugs["ru"], "ru")
    assert english["title"] == "Admin notes" and "Hello **world**" in str(english)
    assert russian["title"] == "Заметки" and "Привет, *мир*" in str(russian)
    public = httpx.get(f"{server}/api/forum/topics/{setup['topic']}/replies", headers=DEMO,
                       timeout=30).json()  # fmt: skip
    assert [r["id"] for r in public["items"]] == [setup["reply"]]
    assert all("Try descaling it" not in row or "approved" in row for row in seen["after_approve"])
    topic = httpx.get(f"{server}/api/forum/topics/{setup['topic']}", headers=DEMO,
                      timeout=30).json()  # fmt: skip
    assert topic["is_pinned"] is True
    assert "Recipes" in seen["content_categories"]
    assert "dot.png" in seen["media"] and "A dot" in seen["media"]
    assert seen["axe"] == {name: [] for name in SCREENS}
    assert [m for m in seen["console"] if "Content Security Policy" in m] == []
    assert seen["elsewhere"] == []
    for name in SCREENS:
        assert (SCREENSHOTS / f"admin-{name}.png").stat().st_size > 1000


PAGE_SCREENS = ("pages", "page-new", "page-edit", "menus", "menu-edit", "menu-new")


def _drive_pages(base: str) -> dict[str, Any]:
    """Build a page from blocks without typing JSON, publish it, link it from the header menu."""
    from playwright.sync_api import sync_playwright

    seen: dict[str, Any] = {"console": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page, elsewhere = _page(browser, base)
            page.on(
                "console", lambda m: seen["console"].append(m.text) if m.type == "error" else None
            )
            sign_in_as_demo_admin(page, base)
            sections = page.get_by_role("navigation", name="Sections")

            sections.get_by_role("link", name="Pages", exact=True).click()
            page.get_by_role("heading", name="Pages", exact=True).wait_for()
            seen["pages"] = page.locator("#results tbody").inner_text()
            _screen(page, "pages", seen)
            page.get_by_role("link", name="New page").click()
            page.get_by_role("heading", name="New page").wait_for()
            _screen(page, "page-new", seen)
            page.get_by_label("Title", exact=True).fill("Delivery")
            page.get_by_role("button", name="Create").click()
            page.get_by_role("heading", name="Delivery").wait_for()
            page.get_by_label("New block").select_option(label="Hero")
            page.get_by_role("button", name="Add the block").click()
            page.locator("#b0-title").fill("Fast delivery")
            page.get_by_label("New block").select_option(label="Questions and answers")
            page.get_by_role("button", name="Add the block").click()
            page.locator("#b1-items").fill("When? | Tomorrow")
            page.get_by_role("button", name="Move up").click()  # the questions go first
            page.locator("#b0-items").wait_for()
            page.get_by_role("button", name="Save", exact=True).first.click()
            page.get_by_role("status").get_by_text("Saved.").wait_for()
            _screen(page, "page-edit", seen)
            page.get_by_role("button", name="Publish", exact=True).click()
            page.get_by_role("status").get_by_text("Status changed.").wait_for()
            seen["buttons"] = page.locator('form[action$="/status"] button').all_inner_texts()
            seen["page_path"] = page.url.removeprefix(base).split("?")[0]

            sections.get_by_role("link", name="Menus", exact=True).click()
            page.get_by_role("heading", name="Menus", exact=True).wait_for()
            _screen(page, "menus", seen)
            page.locator("#results").get_by_role("link", name="Main").click()
            page.get_by_role("heading", name="Main").wait_for()
            before = page.locator("ol.blocks > li").count()
            page.get_by_role("button", name="Add an item").click()
            page.locator(f"#i{before}-level").wait_for()
            page.locator(f"#i{before}-label-en").fill("Delivery")
            page.locator(f"#i{before}-page").select_option(label="Delivery (/delivery)")
            page.get_by_role("button", name="Save", exact=True).first.click()
            page.get_by_role("status").get_by_text("Saved.").wait_for()
            _screen(page, "menu-edit", seen)
            sections.get_by_role("link", name="Menus", exact=True).click()
            page.get_by_role("link", name="New menu").click()
            page.get_by_role("heading", name="New menu").wait_for()
            _screen(page, "menu-new", seen)
            seen["elsewhere"] = elsewhere
        finally:
            browser.close()
    return seen


def test_build_a_page_from_blocks_publish_it_and_link_it_from_the_menu(
    server: str,  # noqa: F811 - the fixture
) -> None:
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        seen = pool.submit(_drive_pages, server).result(timeout=600)
    assert "Home" in seen["pages"]  # the demo's page
    assert seen["buttons"] == ["Unpublish", "Archive"]
    admin = _token(server, DEMO_ADMIN_EMAIL, DEMO_PASSWORD, DEMO)
    page_id = seen["page_path"].rsplit("/", 1)[1]
    read = httpx.get(f"{server}/api/pages/{page_id}", headers=admin, timeout=30).json()
    assert (read["title"], read["status"]) == ("Delivery", "published")
    assert [b["type"] for b in read["blocks"]] == ["faq", "hero"]
    assert read["blocks"][0]["items"] == [{"question": "When?", "answer": "Tomorrow"}]
    menus = httpx.get(f"{server}/api/pages/menus", params={"location": "header"}, headers=DEMO,
                      timeout=30).json()  # fmt: skip
    linked = [i for i in menus["items"][0]["items"] if i["page_id"] == page_id]
    assert [i["labels"]["en"] for i in linked] == ["Delivery"]
    assert seen["axe"] == {name: [] for name in PAGE_SCREENS}
    assert [m for m in seen["console"] if "Content Security Policy" in m] == []
    assert seen["elsewhere"] == []
    for name in PAGE_SCREENS:
        assert (SCREENSHOTS / f"admin-{name}.png").stat().st_size > 1000
