"""The GraphQL schema, built when ``/api/graphql`` is first asked for (issue 13).

Building it (every module's types converted to graphql-core's, the validation rules, the
check that every permission a field asks for is declared) cost each worker a fifth of a
second of start-up, and importing the GraphQL libraries and types as much again; a worker
that serves only REST never needs them. The route holds a :class:`LazySchema` of its view
(the schema and strawberry's view serving it): the first request builds it off the event
loop, requests arriving meanwhile wait for that one build, and anything that reads it
directly builds it in place. A schema that cannot be built is logged once with its cause,
and every GraphQL request then fails with that error (500), where start-up failed before.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from rustok.core.logging import get_logger

T = TypeVar("T")
_log = get_logger("rustok.graphql")


class SchemaNotBuilt(RuntimeError):
    """The GraphQL schema could not be built (its cause is chained and was logged)."""


class LazySchema(Generic[T]):
    """Stands in for the schema (or what serves it): attribute reads go to it, built once on
    first use."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._schema: T | None = None
        self._failure: Exception | None = None
        self.builds = 0  # attempts, for the tests: one per process

    @property
    def built(self) -> bool:
        return self._schema is not None

    def get(self) -> T:
        """The schema, built by the first caller (whichever thread) while the others wait."""
        schema = self._schema
        if schema is not None:
            return schema
        with self._lock:
            if self._schema is None and self._failure is None:
                self.builds += 1
                try:
                    self._schema = self._build()
                except Exception as exc:  # noqa: BLE001 - kept, logged, raised on every use
                    self._failure = exc
                    _log.error("graphql schema not built", exc_info=exc)
            if self._schema is None:
                raise SchemaNotBuilt(f"the GraphQL schema cannot be built: {self._failure}") from (
                    self._failure
                )
            return self._schema

    async def ready(self) -> T:
        """The schema; its first build runs in a thread, so the event loop keeps serving."""
        schema = self._schema
        if schema is not None:
            return schema
        return await asyncio.to_thread(self.get)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and the like: no build for those
            raise AttributeError(name)
        return getattr(self.get(), name)
