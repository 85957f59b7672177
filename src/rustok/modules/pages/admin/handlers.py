"""The pages module's admin pages: ``ModuleAdmin.handlers`` names this list, imported when
the admin is first asked for (``rustok.api.admin_mount``)."""

from __future__ import annotations

from typing import Any

from rustok.modules.pages.admin.menus import MenuAdminController
from rustok.modules.pages.admin.pages import PageAdminController

HANDLERS: list[Any] = [PageAdminController, MenuAdminController]
