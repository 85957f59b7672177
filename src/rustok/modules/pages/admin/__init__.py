"""The pages module's admin UI pages (issue 18): ``ModuleAdmin`` for ``module.py``
(docs/admin-kit.md): pages with their blocks, and navigation menus."""

from __future__ import annotations

from pathlib import Path

from rustok.core.module import AdminScreen, ModuleAdmin
from rustok.modules.pages.admin.paths import MENUS_PATH, PAGES_PATH
from rustok.web.admin.i18n import N_

PAGES_ADMIN = ModuleAdmin(
    handlers="rustok.modules.pages.admin.handlers:HANDLERS",
    screens=(
        AdminScreen(N_("Pages"), PAGES_PATH, "pages:list"),
        AdminScreen(N_("Menus"), MENUS_PATH, "pages:list"),
    ),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
)
