"""The forum's admin UI pages (issue 18): the moderation queue and the topics list."""

from __future__ import annotations

from pathlib import Path

from rustok.core.module import AdminScreen, ModuleAdmin
from rustok.modules.forum.admin.paths import REPLIES_PATH, TOPICS_PATH
from rustok.web.admin.i18n import N_

FORUM_ADMIN = ModuleAdmin(
    handlers="rustok.modules.forum.admin.handlers:HANDLERS",
    screens=(
        AdminScreen(N_("Moderation queue"), REPLIES_PATH, "comments:manage"),
        AdminScreen(N_("Topics"), TOPICS_PATH, "posts:list"),
    ),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
)
