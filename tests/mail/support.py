"""Helpers of the mail tests: an app wired to a given SMTP port, and the mail rows."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from rustok.api.app import RustokApp, create_app
from rustok.bootstrap import bootstrap
from rustok.core.module import ModuleSpec
from rustok.core.platform import Platform
from rustok.core.resilience import CircuitBreaker
from rustok.mail.models import MailMessage
from tests.conftest import make_settings, serve_app
from tests.outbox.support import wait_until

FAST_RETRIES = ("0.05", "0.05", "0.05", "0.05")


@asynccontextmanager
async def mail_app(
    db_url: str, tmp_path: Path, port: int, modules: Sequence[ModuleSpec] = (), **overrides: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, RustokApp]]:
    options: dict[str, Any] = {"mail_retry_delays": FAST_RETRIES, **overrides}
    settings = make_settings(db_url, tmp_path, smtp_host="127.0.0.1", smtp_port=port, **options)
    app = create_app(settings, platform=bootstrap(settings, modules=list(modules)))
    async with serve_app(app) as client:
        yield client, app


async def mails(platform: Platform) -> list[MailMessage]:
    async with platform.db.read_session(all_tenants=True) as session:
        return list(await session.scalars(select(MailMessage).order_by(MailMessage.id)))


async def settled_mail(platform: Platform, recipient: str) -> MailMessage:
    """The mail to ``recipient`` once it is sent, dropped or failed."""
    found: list[MailMessage] = []

    async def settled() -> bool:
        found[:] = [
            m
            for m in await mails(platform)
            if m.recipient == recipient and m.status in ("sent", "dropped", "failed")
        ]
        return bool(found)

    await wait_until(settled, within=30.0, what=f"the mail to {recipient} to settle")
    return found[0]


async def trip(breaker: CircuitBreaker) -> None:
    """Open the breaker the way a dead server does: failing calls up to the threshold."""

    async def refused() -> None:
        raise ConnectionRefusedError("planned")

    for _ in range(breaker.config.failure_threshold):
        with contextlib.suppress(ConnectionRefusedError):
            await breaker.call(refused)
