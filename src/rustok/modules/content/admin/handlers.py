"""The content module's admin pages: ``ModuleAdmin.handlers`` names this list, imported when
the admin is first asked for (``rustok.api.admin_mount``)."""

from __future__ import annotations

from typing import Any

from rustok.modules.content.admin.categories import ContentCategoryAdminController
from rustok.modules.content.admin.media import MediaAdminController
from rustok.modules.content.admin.nodes import NodeAdminController
from rustok.modules.content.admin.tags import TagAdminController

HANDLERS: list[Any] = [
    NodeAdminController,
    TagAdminController,
    ContentCategoryAdminController,
    MediaAdminController,
]
