"""The execution context's resolver helpers (``api/graphql_acyclic.py``) hold it weakly and
still settle the work a resolver hands them, before and after the context is freed."""

from __future__ import annotations

import asyncio
import gc
import weakref

import strawberry
from graphql import parse

from rustok.api.graphql_leaves import LeafExecutionContext


@strawberry.type
class Query:
    name: str = "q"


def _context() -> LeafExecutionContext:
    schema = strawberry.Schema(query=Query, execution_context_class=LeafExecutionContext)
    built = LeafExecutionContext.build(schema._schema, parse("{ name }"))
    assert isinstance(built, LeafExecutionContext)
    return built


async def test_the_context_is_freed_by_reference_counting() -> None:
    context = _context()
    freed = weakref.ref(context)
    gc.disable()
    try:
        del context
        assert freed() is None  # no cycle: gone without a collection
    finally:
        gc.enable()


async def test_tracked_work_is_settled_while_the_context_lives_and_after() -> None:
    done: list[str] = []

    async def work(name: str) -> None:
        done.append(name)

    context = _context()
    helpers = context.async_helpers
    helpers.track([work("alive"), 1])
    assert len(context.background_futures) == 1  # the context's own tracking
    assert await helpers.gather([work("gathered")]) == [None]
    freed = weakref.ref(context)
    del context
    gc.collect()
    assert freed() is None  # the helpers, still held, do not keep it
    helpers.track([work("orphan"), "not awaitable"])
    for _ in range(5):
        await asyncio.sleep(0)
    assert sorted(done) == ["alive", "gathered", "orphan"]
