"""The app runs without Litestar's pydantic plugins (issue 13): bodies and answers are msgspec
structs, so those plugins only cost each worker's start-up."""

from __future__ import annotations

import pytest
from litestar.plugins.core import MsgspecDIPlugin

from rustok.api.app import RustokApp

pytestmark = pytest.mark.sql_free


def test_no_pydantic_plugin_is_installed(app: RustokApp) -> None:
    names = [type(plugin).__name__ for plugin in app.litestar.plugins]
    assert not [name for name in names if "Pydantic" in name], names
    assert any(isinstance(plugin, MsgspecDIPlugin) for plugin in app.litestar.plugins)
