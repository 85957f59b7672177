"""The module guard runs on every module route: it must not cost a thread-pool hop."""

from __future__ import annotations

import inspect

from rustok.web.guards import module_enabled


def test_the_module_guard_is_a_coroutine_function() -> None:
    # Litestar runs synchronous guards through its thread pool (anyio.to_thread) on every
    # request; an async guard runs inline on the event loop.
    assert inspect.iscoroutinefunction(module_enabled("index"))
