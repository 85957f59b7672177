"""A GraphQL request resolves its dependencies without a task group or a worker thread
(``GraphQLTransport.answer``), and still answers with its context and sub-response."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from litestar._kwargs import kwargs_model

from rustok.api.app import RustokApp
from tests.auth.helpers import bearer, make_user, sign_in


async def test_graphql_dependencies_need_no_task_group(
    app: RustokApp, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_user(app.platform, "admin@example.com", "admin")
    tokens = await sign_in(client, "admin@example.com")
    groups: list[Any] = []
    real = kwargs_model.create_task_group  # type: ignore[attr-defined]

    def counted() -> Any:
        groups.append(1)
        return real()

    monkeypatch.setattr(kwargs_model, "create_task_group", counted)
    anonymous = await client.post("/api/graphql", json={"query": "{ __typename }"})
    me = await client.post(
        "/api/graphql", json={"query": "{ me { email } }"}, headers=bearer(tokens)
    )
    over_get = await client.get("/api/graphql", params={"query": "{ me { email } }"}, headers=bearer(tokens))  # fmt: skip
    assert anonymous.json() == {"data": {"__typename": "Query"}}
    assert me.json() == {"data": {"me": {"email": "admin@example.com"}}}, me.text
    assert over_get.json() == me.json()
    assert groups == []
