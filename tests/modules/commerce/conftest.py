"""Fixtures of the commerce tests: the app with the commerce module, signed-in roles."""

from __future__ import annotations

import pytest

from rustok.core.module import ModuleSpec
from rustok.modules.commerce.module import MODULE


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [MODULE]
