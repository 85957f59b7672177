"""The blog's admin UI pages (issue 18): ``ModuleAdmin`` for ``module.py``."""

from __future__ import annotations

from pathlib import Path

from rustok.core.module import AdminScreen, ModuleAdmin
from rustok.web.admin.i18n import N_

# The templates are content's node editor (content.admin): no templates of its own.
BLOG_ADMIN = ModuleAdmin(
    handlers="rustok.modules.blog.admin.handlers:HANDLERS",
    screens=(AdminScreen(N_("Posts"), "/admin/blog/posts", "posts:list"),),
    locale=Path(__file__).parent / "locale",
)
