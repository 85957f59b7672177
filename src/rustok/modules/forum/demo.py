"""Demo forum: a category with two topics and a few replies, in English and Russian."""

from __future__ import annotations

from rustok.core.platform import Platform
from rustok.modules.content.demo import demo_access
from rustok.modules.content.interface import NodeNotFound, NodeReader, TranslationInput
from rustok.modules.forum.categories import CATEGORY, ForumCategoryService
from rustok.modules.forum.replies import ReplyService
from rustok.modules.forum.schemas import ForumCategoryCreate, ReplyCreate, TopicCreate
from rustok.modules.forum.topics import TopicService

TOPICS = (
    ("Introduce yourself", "Представьтесь", "Who are you and what do you build?",
     ("Hello from the demo shop!", "Привет из демо-магазина!")),
    ("Feature wishes", "Пожелания", "What should RusToK do next?",
     ("Search across posts and products.",)),
)  # fmt: skip


async def seed_forum(platform: Platform) -> list[str]:
    access = await demo_access(platform)
    try:
        await NodeReader(platform.db).by_slug(access, CATEGORY, "general", ["en"])
        return []
    except NodeNotFound:
        pass
    category = await ForumCategoryService(platform, access).create(
        ForumCategoryCreate(
            translations=[
                TranslationInput(locale="en", title="General", slug="general",
                                 excerpt="Anything about the shop"),
                TranslationInput(locale="ru", title="Общее", excerpt="Всё о магазине"),
            ],
            icon="chat", color="#3366ff",
        ),
        ["en"],
    )  # fmt: skip
    topics, replies = TopicService(platform, access), ReplyService(platform, access)
    for en_title, ru_title, body, answers in TOPICS:
        topic = await topics.create(
            TopicCreate(
                category_id=category.id,
                translations=[
                    TranslationInput(locale="en", title=en_title, body=body),
                    TranslationInput(locale="ru", title=ru_title),
                ],
            ),
            ["en"],
        )
        for answer in answers:
            await replies.create(topic.id, ReplyCreate(body=answer), ["en"])
    return [f"forum category 'General' with {len(TOPICS)} topics"]
