"""Page and menu event types (ordered per page or menu)."""

from __future__ import annotations

import uuid
from typing import Literal

from rustok.core.events import EventPayload

MenuLocation = Literal["header", "footer", "sidebar", "mobile"]


class _PageEvent(EventPayload, frozen=True, kw_only=True):
    page_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.page_id


class PageCreated(_PageEvent, frozen=True, kw_only=True):
    event_type = "page.created"


class PageUpdated(_PageEvent, frozen=True, kw_only=True):
    event_type = "page.updated"


class PagePublished(_PageEvent, frozen=True, kw_only=True):
    event_type = "page.published"


class PageUnpublished(_PageEvent, frozen=True, kw_only=True):
    event_type = "page.unpublished"


class PageDeleted(_PageEvent, frozen=True, kw_only=True):
    event_type = "page.deleted"


class _MenuEvent(EventPayload, frozen=True, kw_only=True):
    menu_id: uuid.UUID
    location: MenuLocation

    def aggregate_id(self) -> uuid.UUID:
        return self.menu_id


class MenuCreated(_MenuEvent, frozen=True, kw_only=True):
    event_type = "menu.created"


class MenuUpdated(_MenuEvent, frozen=True, kw_only=True):
    """A menu's name or items changed."""

    event_type = "menu.updated"


class MenuDeleted(_MenuEvent, frozen=True, kw_only=True):
    event_type = "menu.deleted"
