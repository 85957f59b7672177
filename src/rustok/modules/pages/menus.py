"""Menus: one per location (header, footer, sidebar, mobile) with nested items, each a URL or
a page, labelled per locale. Saving a menu replaces its whole item tree."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

import msgspec
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from rustok.core.db import utcnow
from rustok.core.errors import Conflict, NotFound, ValidationFailed
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.content.interface import ContentAccess, NodeReader, UnknownReference, pick
from rustok.modules.pages.events import MenuCreated, MenuDeleted, MenuUpdated
from rustok.modules.pages.models import Menu, MenuItem, menu_location
from rustok.modules.pages.schemas import (
    MenuCreate,
    MenuItemInput,
    MenuItemRead,
    MenuPage,
    MenuRead,
    MenuUpdate,
)
from rustok.modules.pages.service import PAGE

MAX_ITEMS = 200
MAX_DEPTH = 5


class MenuNotFound(NotFound):
    code = "MENU_NOT_FOUND"
    title = "Menu not found"


class MenuLocationTaken(Conflict):
    code = "MENU_LOCATION_TAKEN"
    title = "Menu location taken"


def _walk(items: Sequence[MenuItemInput], depth: int = 1) -> list[MenuItemInput]:
    if depth > MAX_DEPTH:
        raise ValidationFailed(errors={"items": [f"menus nest at most {MAX_DEPTH} levels"]})
    found: list[MenuItemInput] = []
    for item in items:
        found.append(item)
        found.extend(_walk(item.children, depth + 1))
    return found


def _tree(items: Sequence[MenuItem], chain: Sequence[str]) -> list[MenuItemRead]:
    children: dict[uuid.UUID | None, list[MenuItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (i.position, i.id)):
        children[item.parent_id].append(item)

    def build(parent: uuid.UUID | None) -> list[MenuItemRead]:
        reads = []
        for item in children[parent]:
            labels = {str(k): str(v) for k, v in item.labels.items()}
            locale = pick(sorted(labels), chain, lambda loc: loc)
            reads.append(
                MenuItemRead(
                    id=item.id,
                    label=labels[locale] if locale else "",
                    labels=labels,
                    url=item.url,
                    page_id=item.page_id,
                    children=build(item.id),
                )
            )
        return reads

    return build(None)


class MenuService:
    def __init__(self, platform: Platform, access: ContentAccess) -> None:
        self._platform = platform
        self._access = access

    async def _reads(self, menus: Sequence[Menu], chain: Sequence[str]) -> list[MenuRead]:
        async with self._platform.db.read_session() as session:
            items = await session.scalars(
                select(MenuItem).where(MenuItem.menu_id.in_([m.id for m in menus]))
            )
            by_menu: dict[uuid.UUID, list[MenuItem]] = defaultdict(list)
            for item in items:
                by_menu[item.menu_id].append(item)
        return [
            MenuRead(
                id=m.id,
                name=m.name,
                location=menu_location(m.location),
                items=_tree(by_menu[m.id], chain),
                created_at=m.created_at,
                updated_at=m.updated_at,
            )
            for m in menus
        ]

    async def list(
        self, chain: Sequence[str], *, location: str | None = None, page: int = 1,
        per_page: int = 20,
    ) -> MenuPage:  # fmt: skip
        """The tenant's menus (at most one per location), or the one at ``location``."""
        conditions = [] if location is None else [Menu.location == location]
        async with self._platform.db.read_session() as session:
            total = await session.scalar(select(func.count()).select_from(Menu).where(*conditions))
            menus = list(
                await session.scalars(
                    select(Menu)
                    .where(*conditions)
                    .order_by(Menu.location)
                    .offset((page - 1) * per_page)
                    .limit(per_page)
                )
            )
        items = await self._reads(menus, chain)
        return MenuPage(items=items, page=page, per_page=per_page, total=int(total or 0))

    async def get(self, menu_id: uuid.UUID, chain: Sequence[str]) -> MenuRead:
        async with self._platform.db.read_session() as session:
            menu = await session.get(Menu, menu_id)
        if menu is None:
            raise MenuNotFound(f"no menu {menu_id}")
        return (await self._reads([menu], chain))[0]

    async def _check_pages(self, items: Sequence[MenuItemInput]) -> None:
        page_ids = list({i.page_id for i in items if i.page_id is not None})
        found = await NodeReader(self._platform.db).many(self._access, page_ids, [])
        pages = {n.id for n in found if n.kind == PAGE}
        missing = [str(p) for p in page_ids if p not in pages]
        if missing:
            raise UnknownReference(errors={"items": [f"no page {p}" for p in missing]})

    async def _insert(
        self, uow: UnitOfWork, menu_id: uuid.UUID, items: Sequence[MenuItemInput]
    ) -> None:
        everything = _walk(items)
        if len(everything) > MAX_ITEMS:
            raise ValidationFailed(errors={"items": [f"a menu holds at most {MAX_ITEMS} items"]})
        await self._check_pages(everything)

        async def add(level: Sequence[MenuItemInput], parent: uuid.UUID | None) -> None:
            for position, item in enumerate(level):
                row = MenuItem(
                    menu_id=menu_id, parent_id=parent, position=position,
                    labels=dict(item.labels), url=item.url, page_id=item.page_id,
                )  # fmt: skip
                uow.session.add(row)
                await uow.session.flush()
                await add(item.children, row.id)

        await add(items, None)

    async def create(self, data: MenuCreate, chain: Sequence[str]) -> MenuRead:
        async with self._platform.uow() as uow:
            if await uow.session.scalar(select(Menu.id).where(Menu.location == data.location)):
                raise MenuLocationTaken(f"there is already a {data.location} menu")
            menu = Menu(name=data.name, location=data.location)
            uow.session.add(menu)
            await uow.session.flush()
            await self._insert(uow, menu.id, data.items)
            uow.publish(MenuCreated(menu_id=menu.id, location=data.location))
            try:
                await uow.commit()
            except IntegrityError:  # a concurrent create took the location
                raise MenuLocationTaken(f"there is already a {data.location} menu") from None
        return await self.get(menu.id, chain)

    async def update(self, menu_id: uuid.UUID, data: MenuUpdate, chain: Sequence[str]) -> MenuRead:
        async with self._platform.uow() as uow:
            menu = await uow.session.get(Menu, menu_id, with_for_update=True)
            if menu is None:
                raise MenuNotFound(f"no menu {menu_id}")
            if not isinstance(data.name, msgspec.UnsetType):
                menu.name = data.name
            if not isinstance(data.items, msgspec.UnsetType):
                await uow.session.execute(delete(MenuItem).where(MenuItem.menu_id == menu.id))
                await self._insert(uow, menu.id, data.items)
            menu.updated_at = utcnow()
            uow.publish(MenuUpdated(menu_id=menu.id, location=menu_location(menu.location)))
            await uow.commit()
        return await self.get(menu_id, chain)

    async def delete(self, menu_id: uuid.UUID) -> None:
        async with self._platform.uow() as uow:
            menu = await uow.session.get(Menu, menu_id, with_for_update=True)
            if menu is None:
                raise MenuNotFound(f"no menu {menu_id}")
            await uow.session.delete(menu)
            uow.publish(MenuDeleted(menu_id=menu_id, location=menu_location(menu.location)))
            await uow.commit()
