"""The webhooks module's admin UI pages (issue 18): ``ModuleAdmin`` for ``module.py``
(docs/admin-kit.md)."""

from __future__ import annotations

from pathlib import Path

from rustok.core.module import AdminScreen, ModuleAdmin
from rustok.modules.webhooks import permissions as perm
from rustok.web.admin.i18n import N_

WEBHOOKS_ADMIN = ModuleAdmin(
    handlers="rustok.modules.webhooks.admin.handlers:HANDLERS",
    screens=(AdminScreen(N_("Webhooks"), "/admin/webhooks", perm.LIST),),
    templates=Path(__file__).parent.joinpath("templates"),
    locale=Path(__file__).parent.joinpath("locale"),
)
