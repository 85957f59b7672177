"""Fixtures of the API tests: the GraphQL path tests count full-path executions."""

from __future__ import annotations

from typing import Any

import pytest

from rustok.api.graphql_transport import GraphQLTransport


@pytest.fixture
def executed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each call of the GraphQL route's handler (the full path)."""
    calls: list[int] = []
    original = GraphQLTransport.execute_request

    async def counting(self: GraphQLTransport, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(GraphQLTransport, "execute_request", counting)
    return calls
