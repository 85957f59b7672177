"""A module given to the registry alone, with an admin page and its own catalogue: the page
speaks Russian from that catalogue, and apps built without the module in the same process
do not read it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Controller, Request, Response, get

from rustok.api.app import RustokApp
from rustok.bootstrap import builtin_modules
from rustok.core.module import AdminScreen, ModuleAdmin, ModuleSpec
from rustok.web.admin.i18n import N_, gettext, set_language
from rustok.web.admin.render import page
from tests.admin.helpers import admin_sign_in
from tests.auth.helpers import make_user

HERE = Path(__file__).parent / "module_catalogue"
ADMIN = "admin@example.com"


class GreetingAdminController(Controller):
    path = "/admin/greeter"
    include_in_schema = False

    @get("/", permission="analytics:read")
    async def greetings(self, request: Request[Any, Any, Any]) -> Response[str]:
        return page(request, "greeter/board.html", title=gettext("Greeting board"))


GREETER = ModuleSpec(
    slug="greeter",
    name="Greeter",
    description="An admin page and its catalogue, nothing else",
    version="0.1.0",
    admin=ModuleAdmin(
        handlers=[GreetingAdminController],
        screens=(AdminScreen(N_("Greetings"), "/admin/greeter", "analytics:read"),),
        templates=HERE / "templates",
        locale=HERE / "locale",
    ),
)


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [*builtin_modules(), GREETER]


async def test_a_module_page_is_translated_by_the_module_catalogue(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, ADMIN, "admin")
    await admin_sign_in(client, ADMIN)
    ru = await client.get("/admin/greeter", headers={"Accept-Language": "ru"})
    assert ru.status_code == 200, ru.text[:300]
    # The title (gettext in Python), the sidebar label (N_) and the template's text.
    assert "<title>Доска приветствий" in ru.text
    assert "Приветствия</a>" in ru.text and "Здесь собраны приветствия." in ru.text
    assert "Greeting board" not in ru.text
    en = await client.get("/admin/greeter", headers={"Accept-Language": "en"})
    assert "Greetings are gathered here." in en.text


@pytest.mark.sql_free
def test_outside_the_app_of_the_module_its_messages_stay_english() -> None:
    # gettext without an app's catalogues (another app's request, a script) has the
    # platform's alone: the module's catalogue is not a process-wide registration.
    set_language("ru")
    assert gettext("Greeting board") == "Greeting board"
    assert gettext("Sign in") == "Войти"
    set_language("en")
