"""The forum module's admin pages: ``ModuleAdmin.handlers`` names this list, imported when
the admin is first asked for (``rustok.api.admin_mount``)."""

from __future__ import annotations

from typing import Any

from rustok.modules.forum.admin.moderation import (
    ReplyModerationController,
    TopicModerationController,
)

HANDLERS: list[Any] = [ReplyModerationController, TopicModerationController]
