"""Sign-in and registration throttles hold under races, across instances (hardening item 4)."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import httpx

from rustok.api.app import RustokApp, create_app
from rustok.bootstrap import bootstrap
from tests.auth.helpers import PASSWORD, make_user, sign_in
from tests.auth.instances import two_instances
from tests.conftest import make_settings, serve_app


async def test_parallel_wrong_passwords_are_checked_at_most_the_limit(
    db_url: str, tmp_path: Path
) -> None:
    async with two_instances(db_url, tmp_path) as ((one, app), (two, _)):
        await make_user(app.platform, "victim@example.com", "customer")
        answers = await asyncio.gather(
            *(
                (one if n % 2 else two).post(
                    "/api/auth/login",
                    json={"email": "victim@example.com", "password": f"guess {n}"},
                )
                for n in range(30)
            )
        )
        codes = Counter(a.json()["code"] for a in answers)
        # Exactly the limit (5/minute) reached the password check, over both instances.
        assert codes == {"INVALID_CREDENTIALS": 5, "TOO_MANY_ATTEMPTS": 25}
        refused = next(a for a in answers if a.status_code == 429)
        assert 1 <= int(refused.headers["retry-after"]) <= 60


async def test_parallel_attempts_from_one_address_respect_its_limit(
    db_url: str, tmp_path: Path
) -> None:
    async with two_instances(
        db_url, tmp_path, login_rate_limit="50/minute", login_ip_rate_limit="5/minute"
    ) as ((one, _), (two, _)):
        answers = await asyncio.gather(
            *(
                (one if n % 2 else two).post(
                    "/api/auth/login", json={"email": f"u{n}@example.com", "password": "guess 123"}
                )
                for n in range(20)
            )
        )
        codes = Counter(a.json()["code"] for a in answers)
        assert codes == {"INVALID_CREDENTIALS": 5, "TOO_MANY_ATTEMPTS": 15}


async def test_successful_sign_ins_clear_failures_and_spend_no_budget(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "ok@example.com", "customer")
    for _ in range(4):
        assert (await client.post(
            "/api/auth/login", json={"email": "ok@example.com", "password": "not it 1"}
        )).status_code == 401  # fmt: skip
    await sign_in(client, "ok@example.com")  # the 5th attempt succeeds and clears the 4
    for _ in range(10):  # successes count against neither the account nor the address
        await sign_in(client, "ok@example.com")
    answers = [
        (
            await client.post(
                "/api/auth/login", json={"email": "ok@example.com", "password": "not it 2"}
            )
        ).status_code
        for _ in range(6)
    ]
    assert answers == [401, 401, 401, 401, 401, 429]


async def test_registration_is_limited_per_client_address(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path, register_ip_rate_limit="3/hour")
    app = create_app(settings, platform=bootstrap(settings, modules=[]))
    async with serve_app(app) as client:
        answers = [
            await client.post("/api/auth/register", json={"email": email, "password": PASSWORD})
            for email in ("a@example.com", "b@example.com", "a@example.com", "c@example.com")
        ]
        assert [a.status_code for a in answers] == [201, 201, 409, 429]
        assert answers[2].json()["code"] == "EMAIL_TAKEN"
        assert answers[3].json()["code"] == "TOO_MANY_ATTEMPTS"
        assert int(answers[3].headers["retry-after"]) > 3000
        # Another client address has its own budget.
        transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
            again = await other.post(
                "/api/auth/register", json={"email": "c@example.com", "password": PASSWORD}
            )
            assert again.status_code == 201
