"""Password reset, email verification and invitations through a real SMTP sink (A-4).

Mails leave through the outbox: the request queues them, the ``mail`` consumer's sender
delivers them a moment later, so the tests wait for the sink (or the settled outbox).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from rustok.api.app import RustokApp, create_app
from rustok.auth.models import OneTimeToken
from rustok.bootstrap import bootstrap
from rustok.mail.models import MailMessage
from tests.apps import MakeApp
from tests.auth.helpers import PASSWORD, bearer, make_user, sign_in
from tests.conftest import make_settings, outbox_settled, serve_app
from tests.mail.smtp import body_of
from tests.outbox.support import wait_until
from tests.services import free_port

TOKEN_RE = re.compile(r"token \(valid [^)]+\): (\S+)")


class Sink:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    async def next_token(self, to: str) -> str:
        deadline = asyncio.get_running_loop().time() + 15.0
        while asyncio.get_running_loop().time() < deadline:
            for message in list(self.messages):
                if message["To"] == to:
                    self.messages.remove(message)
                    body = body_of(message)
                    match = TOKEN_RE.search(body)
                    assert match, body
                    return match.group(1)
            await asyncio.sleep(0.02)
        raise AssertionError(f"no mail to {to}")


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


@pytest.fixture
async def mail_app(
    db_url: str, tmp_path: Path, smtp_sink: tuple[Sink, int], make_app: MakeApp
) -> AsyncIterator[tuple[httpx.AsyncClient, RustokApp, Sink]]:
    sink, port = smtp_sink
    settings = make_settings(db_url, tmp_path, smtp_host="127.0.0.1", smtp_port=port)
    app = make_app(settings, bootstrap(settings, modules=[]))
    async with serve_app(app) as client:
        yield client, app, sink


async def test_password_reset_end_to_end(
    mail_app: tuple[httpx.AsyncClient, RustokApp, Sink],
) -> None:
    client, app, sink = mail_app
    await make_user(app.platform, "forgot@example.com", "customer")
    old_session = await sign_in(client, "forgot@example.com")
    for address in ("forgot@example.com", "nobody@example.com"):
        response = await client.post("/api/auth/password-reset/request", json={"email": address})
        assert response.status_code == 202  # the same answer for unknown accounts
    token = await sink.next_token("forgot@example.com")
    await outbox_settled(app.platform)
    assert sink.messages == []  # nothing was mailed to the unknown address
    confirm = await client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "new_password": "brand new pass"}
    )
    assert confirm.status_code == 204
    await sign_in(client, "forgot@example.com", "brand new pass")
    assert (
        await client.get("/api/auth/me", headers=bearer(old_session))
    ).status_code == 401  # sessions revoked
    again = await client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "new_password": "another pass"}
    )
    assert again.status_code == 400
    assert again.json()["code"] == "INVALID_OR_EXPIRED_TOKEN"


async def test_expired_reset_token(mail_app: tuple[httpx.AsyncClient, RustokApp, Sink]) -> None:
    client, app, sink = mail_app
    await make_user(app.platform, "late@example.com", "customer")
    await client.post("/api/auth/password-reset/request", json={"email": "late@example.com"})
    token = await sink.next_token("late@example.com")
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(
            update(OneTimeToken).values(
                expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
            )
        )
        await session.commit()
    response = await client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "new_password": "brand new pass"}
    )
    assert response.status_code == 400
    await sign_in(client, "late@example.com", PASSWORD)  # unchanged


async def test_email_verification(mail_app: tuple[httpx.AsyncClient, RustokApp, Sink]) -> None:
    client, _, sink = mail_app
    registered = (
        await client.post(
            "/api/auth/register", json={"email": "v@example.com", "password": PASSWORD}
        )
    ).json()
    assert registered["user"]["email_verified"] is False
    assert (
        await client.post("/api/auth/verify/request", headers=bearer(registered))
    ).status_code == 202
    token = await sink.next_token("v@example.com")
    assert (await client.post("/api/auth/verify/confirm", json={"token": token})).status_code == 204
    me = (await client.get("/api/auth/me", headers=bearer(registered))).json()
    assert me["email_verified"] is True
    assert (await client.post("/api/auth/verify/confirm", json={"token": token})).status_code == 400


async def test_invitation_creates_the_user(
    mail_app: tuple[httpx.AsyncClient, RustokApp, Sink],
) -> None:
    client, app, sink = mail_app
    await make_user(app.platform, "boss@example.com", "admin")
    boss = await sign_in(client, "boss@example.com")
    invite = await client.post(
        "/api/auth/invites",
        headers=bearer(boss),
        json={"email": "New.Hire@example.com", "role": "manager"},
    )
    assert invite.status_code == 201
    assert invite.json()["role"] == "manager"
    token = await sink.next_token("new.hire@example.com")
    accepted = await client.post(
        "/api/auth/invites/accept",
        json={"token": token, "password": "hired password", "name": "Hire"},
    )
    assert accepted.status_code == 201
    user = accepted.json()["user"]
    assert (user["email"], user["role"], user["email_verified"]) == (
        "new.hire@example.com",
        "manager",
        True,
    )
    claims = jwt.decode(accepted.json()["access_token"], options={"verify_signature": False})
    assert claims["role"] == "manager"
    await sign_in(client, "new.hire@example.com", "hired password")
    reuse = await client.post(
        "/api/auth/invites/accept", json={"token": token, "password": "hired password"}
    )
    assert reuse.status_code == 400
    # Nobody invites above their own role; customers cannot invite at all.
    escalate = await client.post(
        "/api/auth/invites",
        headers=bearer(boss),
        json={"email": "x@example.com", "role": "super_admin"},
    )
    assert escalate.status_code == 403
    await make_user(app.platform, "cust@example.com", "customer")
    customer = await sign_in(client, "cust@example.com")
    refused = await client.post(
        "/api/auth/invites", headers=bearer(customer), json={"email": "y@example.com"}
    )
    assert refused.status_code == 403


async def test_smtp_down_does_not_fail_the_request(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(
        db_url, tmp_path, smtp_host="127.0.0.1", smtp_port=free_port(),
        mail_retry_delays=("60",),
    )  # fmt: skip
    app = create_app(settings, platform=bootstrap(settings, modules=[]))
    async with serve_app(app) as client:
        await make_user(app.platform, "f@example.com", "customer")
        response = await client.post(
            "/api/auth/password-reset/request", json={"email": "f@example.com"}
        )
        assert response.status_code == 202
        await outbox_settled(app.platform)

        async def waiting_for_retry() -> bool:
            async with app.platform.db.read_session(all_tenants=True) as session:
                status = await session.scalar(select(MailMessage.status))
            return status == "retrying"

        await wait_until(waiting_for_retry, what="the failed mail to wait for its retry")
