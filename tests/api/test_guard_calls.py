"""Guards get the route handler itself: Litestar's copy of it per guard and request cost a
tenth of a cached storefront read (``api/guard_calls.py``)."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
from litestar.handlers import base as handler_base

from rustok.api.app import RustokApp
from rustok.core.module import ModuleSpec
from tests.probe_module import PROBE_MODULE


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [PROBE_MODULE]


async def test_guards_run_on_the_handler_without_copying_it(
    app: RustokApp, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    copies: list[Any] = []
    real_copy = copy.copy

    def counted_copy(value: Any) -> Any:
        copies.append(value)
        return real_copy(value)

    monkeypatch.setattr(handler_base, "copy", counted_copy)
    module_route = await client.get("/api/probe/conflict")
    anonymous_refused = await client.get("/api/auth/me")
    assert module_route.status_code == 409, module_route.text  # both guards passed
    assert anonymous_refused.status_code == 401  # the permission guard still refuses
    assert copies == []
