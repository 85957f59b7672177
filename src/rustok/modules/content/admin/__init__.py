"""Content's admin UI pages (issue 18): ``ModuleAdmin`` for ``module.py`` (docs/admin-kit.md),
and the node editor the blog and pages screens share (``editor``, ``screens``)."""

from __future__ import annotations

from pathlib import Path

from rustok.core.module import AdminScreen, ModuleAdmin
from rustok.modules.content.admin.paths import TAGS_PATH
from rustok.web.admin.i18n import N_

CONTENT_ADMIN = ModuleAdmin(
    handlers="rustok.modules.content.admin.handlers:HANDLERS",
    screens=(
        AdminScreen(N_("Content nodes"), "/admin/content/nodes", "nodes:list"),
        AdminScreen(N_("Tags"), TAGS_PATH, "categories:list"),
        AdminScreen(N_("Categories"), "/admin/content/categories", "categories:list"),
        AdminScreen(N_("Media library"), "/admin/content/media", "media:list"),
    ),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
)
