"""Demo pages: a published home page with blocks in English and Russian, and a header menu
linking it, the blog and the forum."""

from __future__ import annotations

import msgspec

from rustok.core.platform import Platform
from rustok.modules.content.demo import demo_access
from rustok.modules.content.interface import NodeNotFound
from rustok.modules.pages.blocks import Blocks
from rustok.modules.pages.menus import MenuService
from rustok.modules.pages.schemas import MenuCreate, PageCreate, PageTranslationInput
from rustok.modules.pages.service import PageService


def _blocks(title: str, lead: str, features: list[str], button: str) -> Blocks:
    return msgspec.convert(
        [
            {"type": "hero", "title": title, "subtitle": lead, "cta_text": button,
             "cta_url": "/blog"},
            {"type": "features", "items": [{"title": f} for f in features], "columns": 3},
            {"type": "text", "content": lead},
            {"type": "cta", "title": title, "button_text": button, "button_url": "/forum"},
            {"type": "spacer", "height": 40},
        ],
        Blocks,
    )  # fmt: skip


HOME = {
    "en": (
        "Home",
        "A demo shop built on RusToK",
        ["Content", "Commerce", "Events"],
        "Read the blog",
    ),
    "ru": ("Главная", "Демо-магазин на RusToK", ["Контент", "Торговля", "События"], "Читать блог"),
}


async def seed_pages(platform: Platform) -> list[str]:
    access = await demo_access(platform)
    pages, lines = PageService(platform, access), []
    try:
        home = await pages.by_slug("home", ["en"])
    except NodeNotFound:
        translations = [
            PageTranslationInput(
                locale=locale, title=title, slug="home" if locale == "en" else None,
                meta_title=f"{title} | RusToK", meta_description=lead,
                blocks=_blocks(title, lead, features, button),
            )
            for locale, (title, lead, features, button) in HOME.items()
        ]  # fmt: skip
        home = await pages.create(
            PageCreate(translations=translations, template="landing", publish=True), ["en"]
        )
        lines.append("home page with blocks")
    menus = MenuService(platform, access)
    if not (await menus.list(["en"], location="header")).items:
        guides = {"labels": {"en": "Guides", "ru": "Руководства"}, "url": "/blog?category=guides"}
        items = [
            {"labels": {"en": "Home", "ru": "Главная"}, "page_id": str(home.id)},
            {"labels": {"en": "Blog", "ru": "Блог"}, "url": "/blog", "children": [guides]},
            {"labels": {"en": "Forum", "ru": "Форум"}, "url": "/forum"},
        ]
        menu = {"name": "Main", "location": "header", "items": items}
        await menus.create(msgspec.convert(menu, MenuCreate), ["en"])
        lines.append("header menu")
    return lines
