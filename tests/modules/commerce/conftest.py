"""Fixtures of the commerce tests: the app with the commerce module and the index (the
storefront's read models), no request rate limit (the concurrency tests send bursts from
one client address)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rustok.core.module import ModuleSpec
from rustok.core.settings import Settings
from rustok.modules.commerce.module import MODULE
from rustok.modules.index.module import MODULE as INDEX
from tests.conftest import make_settings


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [MODULE, INDEX]


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0")
