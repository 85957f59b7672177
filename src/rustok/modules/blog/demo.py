"""Demo blog: three published posts in English and Russian, tagged, in a category."""

from __future__ import annotations

from rustok.core.platform import Platform
from rustok.modules.blog.schemas import PostCreate
from rustok.modules.blog.service import BlogService
from rustok.modules.content.demo import category_id, demo_access
from rustok.modules.content.interface import NodeNotFound, TranslationInput

POSTS = (
    ("welcome-to-rustok", "Welcome to RusToK", "Добро пожаловать в RusToK", "news",
     ("announcements", "rustok"),
     "One API for content and commerce, for every tenant.",
     "Один API для контента и торговли, для каждого арендатора."),
    ("writing-in-two-languages", "Writing in two languages", "Пишем на двух языках", "guides",
     ("i18n",), "Every node has a translation per locale and falls back when one is missing.",
     "У каждого узла есть перевод на каждый язык и запасной вариант, если его нет."),
    ("events-everywhere", "Events everywhere", "События повсюду", "guides", ("events", "rustok"),
     "Every write raises its event through the transactional outbox.",
     "Каждая запись порождает событие через транзакционный outbox."),
)  # fmt: skip


async def seed_blog(platform: Platform) -> list[str]:
    blog = BlogService(platform, await demo_access(platform))
    lines = []
    for slug, en_title, ru_title, category, tags, en_body, ru_body in POSTS:
        try:
            await blog.post_by_slug(slug, ["en"])
            continue
        except NodeNotFound:
            pass
        translations = [
            TranslationInput(locale="en", title=en_title, slug=slug, excerpt=en_body, body=en_body),
            TranslationInput(locale="ru", title=ru_title, excerpt=ru_body, body=ru_body),
        ]
        await blog.create_post(
            PostCreate(
                translations=translations, category_id=await category_id(platform, category),
                tags=list(tags), publish=True,
            ),
            ["en"],
        )  # fmt: skip
        lines.append(f"post {en_title!r}")
    return lines
