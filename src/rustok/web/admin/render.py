"""Rendering admin pages: the Jinja environment and the layout's shared context.

:class:`AdminUi` (built once per app by ``rustok.api.admin``, kept in the app state) holds
the environment over the kit's templates and every module's, and the sidebar entries.
:func:`page` renders a whole page: the sidebar (the enabled modules' screens the caller may
open), breadcrumbs, the flash message left by the previous redirect, the CSRF token and the
language. Templates autoescape; no inline script or style (the admin's CSP forbids them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.enums import MediaType
from litestar.response import Redirect

from rustok.core.context import current_context
from rustok.core.module import AdminScreen
from rustok.web.admin.csrf import csrf_token
from rustok.web.admin.i18n import (
    LANGUAGES,
    Catalogues,
    current_language,
    format_money,
    gettext,
    ngettext,
)
from rustok.web.principals import principal_of

if TYPE_CHECKING:
    from jinja2 import Environment

ADMIN_UI_STATE_KEY = "admin_ui"
# The tenants a super admin's header switcher lists, as (id, label, selected) (set by the
# admin's session middleware).
TENANT_CHOICES_STATE = "admin_tenant_choices"
KIT_TEMPLATES = Path(__file__).parent / "templates"
FLASH_COOKIE = "rustok_admin_flash"
ADMIN_PATH = "/admin"
NO_STORE = {"Cache-Control": "no-store"}
AnyRequest = Request[Any, Any, Any]


# The module of the platform's own screens (no module: always there).
PLATFORM = ""


@dataclass(frozen=True, slots=True)
class NavEntry:
    module: str
    screen: AdminScreen


@dataclass(frozen=True, slots=True)
class Crumb:
    label: str
    href: str | None = None


class AdminUi:
    def __init__(
        self,
        template_dirs: Sequence[Path],
        entries: Sequence[NavEntry],
        catalogues: Catalogues | None = None,
    ) -> None:
        self.template_dirs = tuple(template_dirs)
        self.entries = tuple(entries)
        # The platform's translations and the app's modules' (set per request by the admin's
        # session middleware with the language).
        self.catalogues = catalogues or Catalogues()

    @cached_property
    def env(self) -> Environment:
        """Made (Jinja2 imported) by the first page rendered: a worker that serves no admin
        page never imports Jinja2."""
        from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

        loaders = [
            FileSystemLoader(KIT_TEMPLATES),
            *(FileSystemLoader(d) for d in self.template_dirs),
        ]
        env = Environment(
            loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
        )  # fmt: skip
        env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
        env.filters["money"] = format_money
        return env

    def nav(self, request: AnyRequest) -> list[NavEntry]:
        """The screens of the tenant's enabled modules that the caller may open."""
        principal = principal_of(request)
        tenant = current_context().tenant
        if principal is None or tenant is None:
            return []
        return [
            e for e in self.entries
            if (e.module == PLATFORM or e.module in tenant.enabled_modules)
            and principal.can(e.screen.permission)
        ]  # fmt: skip

    @staticmethod
    def static_dir() -> Path:
        return Path(__file__).parent / "static"

    def render(self, template: str, context: dict[str, Any]) -> str:
        return self.env.get_template(template).render(context)


def admin_ui(request: AnyRequest) -> AdminUi:
    ui = request.app.state[ADMIN_UI_STATE_KEY]
    assert isinstance(ui, AdminUi)
    return ui


def page(
    request: AnyRequest, template: str, *, title: str, crumbs: Sequence[Crumb] = (),
    status_code: int = 200, **context: Any,
) -> Response[str]:  # fmt: skip
    """A whole admin page, rendered with the layout's context and ``context``."""
    ui = admin_ui(request)
    flash = request.cookies.get(FLASH_COOKIE)
    tenant = current_context().tenant
    body = ui.render(template, {
        "title": title, "crumbs": list(crumbs), "nav": ui.nav(request),
        "principal": principal_of(request), "tenant": tenant,
        "tenant_choices": request.scope.get("state", {}).get(TENANT_CHOICES_STATE, ()),
        "csrf_token": csrf_token(request), "flash": unquote(flash)[:300] if flash else None,
        "lang": current_language(), "languages": LANGUAGES, "path": request.url.path,
        **context,
    })  # fmt: skip
    response = Response(
        body, status_code=status_code, media_type=MediaType.HTML, headers=dict(NO_STORE)
    )
    if flash:
        response.delete_cookie(FLASH_COOKIE, path=ADMIN_PATH)
    return response


def redirect_with_flash(request: AnyRequest, path: str, message: str) -> Redirect:
    """303 to ``path`` (a local ``/admin`` path) with a message the next page shows once.

    ``message`` is an English msgid: the next page translates it."""
    if not path.startswith(ADMIN_PATH):
        raise ValueError(f"not an admin path: {path!r}")
    flash = Cookie(
        key=FLASH_COOKIE, value=quote(message[:300]), path=ADMIN_PATH, httponly=True,
        samesite="lax", secure=request.url.scheme == "https",
    )  # fmt: skip
    return Redirect(path=path, status_code=303, cookies=[flash], headers=dict(NO_STORE))
