"""Credentials are never cacheable: ``Cache-Control: no-store`` on every auth answer that
carries a token or the user (hardening item 13)."""

from __future__ import annotations

import httpx

from rustok.api.app import RustokApp
from tests.auth.helpers import PASSWORD, bearer, make_user


async def test_auth_routes_answer_no_store(client: httpx.AsyncClient) -> None:
    registered = await client.post(
        "/api/auth/register", json={"email": "cc@example.com", "password": PASSWORD}
    )
    login = await client.post(
        "/api/auth/login", json={"email": "cc@example.com", "password": PASSWORD}
    )
    tokens = login.json()
    refreshed = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    fresh = refreshed.json()
    me = await client.get("/api/auth/me", headers=bearer(fresh))
    sessions = await client.get("/api/auth/sessions", headers=bearer(fresh))
    revoked = await client.post("/api/auth/sessions/revoke-all", headers=bearer(fresh))
    answers = [registered, login, refreshed, me, sessions, revoked]
    assert [a.status_code for a in answers] == [201, 200, 200, 200, 200, 200]
    assert [a.headers.get("cache-control") for a in answers] == ["no-store"] * len(answers)


async def test_graphql_auth_answers_no_store(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "gq@example.com", "customer")

    async def ask(
        query: str, variables: dict[str, str], token: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await client.post(
            "/api/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200 and "errors" not in response.json(), response.text
        return response

    sign_in = await ask(
        "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) "
        "{ accessToken refreshToken } }",
        {"e": "gq@example.com", "p": PASSWORD},
    )
    pair = sign_in.json()["data"]["signIn"]
    refreshed = await ask(
        "mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }",
        {"r": pair["refreshToken"]},
    )
    me = await ask("{ me { email } }", {}, refreshed.json()["data"]["refreshToken"]["accessToken"])
    signed_up = await ask(
        'mutation($p: String!) { signUp(email: "new-gq@example.com", password: $p) '
        "{ accessToken } }",
        {"p": PASSWORD},
    )
    assert [r.headers.get("cache-control") for r in (sign_in, refreshed, me, signed_up)] == [
        "no-store"
    ] * 4
