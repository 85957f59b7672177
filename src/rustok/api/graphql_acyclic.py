"""Resolver helpers that do not tie an execution context to itself (issue 13).

graphql-core gives each execution context ``async_helpers`` made of two of its own bound
methods, a reference cycle: the context and all it holds (the request's GraphQL context,
``Request`` and ``Response``, the collected fields) outlived every request until the cyclic
garbage collector ran, which the ~60-90 objects of each read-model query triggered every
dozen requests. These helpers refer to the context weakly, so it is freed when execution
ends; while it runs, its frames hold it.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Sequence
from inspect import isawaitable
from typing import Any

from graphql import GraphQLResolveInfoHelpers
from graphql.execution import Executor
from graphql.pyutils import gather_with_cancel

# Work tracked after its context was freed (a resolver's task outliving the operation):
# settled in the background as the context would have, kept here until it is.
_ORPHANS: set[asyncio.Future[Any]] = set()


def acyclic_helpers(context: Executor[Any]) -> GraphQLResolveInfoHelpers:
    """``context.async_helpers`` without a strong reference back to ``context``."""
    alive = weakref.ref(context)

    def gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
        return gather_with_cancel(*values)  # all ``gather_async_work`` does

    def track(values: Sequence[Any]) -> None:
        executor = alive()
        if executor is not None:
            executor.track_async_work(values)
            return
        awaitables = [value for value in values if isawaitable(value)]
        if awaitables:
            future = asyncio.gather(*awaitables, return_exceptions=True)
            _ORPHANS.add(future)
            future.add_done_callback(_ORPHANS.discard)

    return GraphQLResolveInfoHelpers(gather=gather, track=track)
