"""Writing a node's translations and bodies, with slugs unique per (tenant, kind, locale)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db import utcnow
from rustok.core.errors import ValidationFailed
from rustok.core.uow import UnitOfWork
from rustok.modules.content.errors import SlugTaken
from rustok.modules.content.events import BodyUpdated, NodeTranslationUpdated
from rustok.modules.content.models import Body, Node, NodeTranslation
from rustok.modules.content.schemas import TranslationInput, TranslationPatch
from rustok.modules.content.slugs import slugify, with_suffix

MAX_SLUG_SUFFIX = 1000
SHORT_TITLE_LENGTH = 80


def title_from_text(text: str) -> str:
    """A title for untitled content (comments, replies): its first line, shortened."""
    return text.strip().splitlines()[0][:SHORT_TITLE_LENGTH].strip() or "untitled"


async def _taken(
    session: AsyncSession, kind: str, locale: str, base: str, node_id: uuid.UUID
) -> set[str]:
    rows = await session.scalars(
        select(NodeTranslation.slug).where(
            NodeTranslation.kind == kind,
            NodeTranslation.locale == locale,
            NodeTranslation.node_id != node_id,
            or_(NodeTranslation.slug == base, NodeTranslation.slug.startswith(f"{base[:240]}-")),
        )
    )
    return set(rows)


async def resolve_slug(
    session: AsyncSession,
    node: Node,
    locale: str,
    *,
    title: str,
    slug: str | None,
    field: str,
) -> str:
    """``slug`` if free (else 409), or one made from ``title`` with ``-2``, ``-3``, ... added
    until free."""
    if slug is not None:
        if slug in await _taken(session, node.kind, locale, slug, node.id):
            message = f"taken by another {node.kind} in locale {locale}"
            raise SlugTaken(f"{field}: {message}", errors={field: [message]})
        return slug
    base = slugify(title, field=field)
    taken = await _taken(session, node.kind, locale, base, node.id)
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        if n > MAX_SLUG_SUFFIX:
            raise SlugTaken(errors={field: ["too many nodes share this title: give a slug"]})
        candidate = with_suffix(base, n)
    return candidate


def check_unique_locales(locales: Sequence[str], field: str = "translations") -> None:
    seen: set[str] = set()
    for index, locale in enumerate(locales):
        if locale in seen:
            raise ValidationFailed(
                errors={f"{field}[{index}].locale": [f"locale {locale} is listed twice"]}
            )
        seen.add(locale)


async def add_translations(
    session: AsyncSession, node: Node, translations: Sequence[TranslationInput]
) -> None:
    """The first translations of a new node (no events: ``node.created`` covers them)."""
    check_unique_locales([t.locale for t in translations])
    for index, item in enumerate(translations):
        slug = await resolve_slug(
            session,
            node,
            item.locale,
            title=item.title,
            slug=item.slug,
            field=f"translations[{index}].slug",
        )
        session.add(
            NodeTranslation(
                node_id=node.id,
                kind=node.kind,
                locale=item.locale,
                title=item.title,
                slug=slug,
                excerpt=item.excerpt,
            )
        )
        if item.body is not None:
            session.add(
                Body(
                    node_id=node.id,
                    locale=item.locale,
                    body=item.body,
                    format=item.format or "markdown",
                )
            )
    await session.flush()


async def patch_translations(
    uow: UnitOfWork, node: Node, patches: Sequence[TranslationPatch]
) -> bool:
    """Upsert the named locales; raise ``node.translation.updated``/``body.updated`` for each
    that changed. Returns whether anything changed."""
    session = uow.session
    check_unique_locales([p.locale for p in patches])
    existing = {
        t.locale: t
        for t in await session.scalars(
            select(NodeTranslation).where(NodeTranslation.node_id == node.id)
        )
    }
    bodies = {
        b.locale: b for b in await session.scalars(select(Body).where(Body.node_id == node.id))
    }
    changed = False
    for index, patch in enumerate(patches):
        if await _patch_one(session, node, patch, existing.get(patch.locale), index):
            uow.publish(NodeTranslationUpdated(node_id=node.id, locale=patch.locale))
            changed = True
        if _patch_body(session, node, patch, bodies.get(patch.locale)):
            uow.publish(BodyUpdated(node_id=node.id, locale=patch.locale))
            changed = True
    await session.flush()
    return changed


async def _patch_one(
    session: AsyncSession,
    node: Node,
    patch: TranslationPatch,
    current: NodeTranslation | None,
    index: int,
) -> bool:
    field = f"translations[{index}]"
    if current is None:
        if not isinstance(patch.title, str):
            raise ValidationFailed(errors={f"{field}.title": ["required for a new locale"]})
        slug = await resolve_slug(
            session,
            node,
            patch.locale,
            title=patch.title,
            slug=patch.slug if isinstance(patch.slug, str) else None,
            field=f"{field}.slug",
        )
        excerpt = patch.excerpt if isinstance(patch.excerpt, str) else None
        session.add(
            NodeTranslation(
                node_id=node.id,
                kind=node.kind,
                locale=patch.locale,
                title=patch.title,
                slug=slug,
                excerpt=excerpt,
            )
        )
        return True
    before = (current.title, current.slug, current.excerpt)
    if isinstance(patch.title, str):
        current.title = patch.title
    if isinstance(patch.slug, str) and patch.slug != current.slug:
        current.slug = await resolve_slug(
            session,
            node,
            patch.locale,
            title=current.title,
            slug=patch.slug,
            field=f"{field}.slug",
        )
    if patch.excerpt is None or isinstance(patch.excerpt, str):
        current.excerpt = patch.excerpt
    if (current.title, current.slug, current.excerpt) == before:
        return False
    current.updated_at = utcnow()
    return True


def _patch_body(
    session: AsyncSession, node: Node, patch: TranslationPatch, current: Body | None
) -> bool:
    body = patch.body if isinstance(patch.body, str) else None
    text_format = patch.format if isinstance(patch.format, str) else None
    if current is None:
        if body is None:
            return False
        session.add(
            Body(node_id=node.id, locale=patch.locale, body=body, format=text_format or "markdown")
        )
        return True
    before = (current.body, current.format)
    current.body = body if body is not None else current.body
    current.format = text_format or current.format
    if (current.body, current.format) == before:
        return False
    current.updated_at = utcnow()
    return True


async def remove_translations(uow: UnitOfWork, node: Node, locales: Sequence[str]) -> bool:
    """Drop the named locales (translation and body); the last translation stays."""
    if not locales:
        return False
    session = uow.session
    present = set(
        await session.scalars(
            select(NodeTranslation.locale).where(NodeTranslation.node_id == node.id)
        )
    )
    doomed = present & set(locales)
    if doomed and doomed == present:
        raise ValidationFailed(errors={"remove_locales": ["a node keeps at least one translation"]})
    for model in (NodeTranslation, Body):
        await session.execute(
            delete(model).where(model.node_id == node.id, model.locale.in_(doomed))
        )
    for locale in sorted(doomed):
        uow.publish(NodeTranslationUpdated(node_id=node.id, locale=locale))
    return bool(doomed)
