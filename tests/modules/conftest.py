"""The content-family modules installed in every app of these tests."""

from __future__ import annotations

import pytest

from rustok.bootstrap import builtin_modules
from rustok.core.module import ModuleSpec


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return builtin_modules()
