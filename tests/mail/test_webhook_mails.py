"""``webhook.disabled`` mails (W-7): when the platform switches an endpoint off, the tenant's
users who may switch it on again get one mail each, in the tenant's language, through the
outbox and the mail sender; other roles and other tenants get nothing."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import select, update

from rustok.api.app import RustokApp
from rustok.auth.models import User
from rustok.modules.webhooks.module import MODULE as WEBHOOKS
from rustok.outbox.claims import to_claimed
from rustok.outbox.event_runtime import EventRuntime
from rustok.outbox.models import OutboxEvent
from tests.auth.helpers import make_user
from tests.conftest import outbox_settled
from tests.mail.orders import SHOP, shop_admin, shop_tenant
from tests.mail.smtp import SmtpSink, body_of, html_of, smtp_sink, subject_of
from tests.mail.support import mail_app, mails
from tests.modules.webhooks.helpers import create_webhook
from tests.modules.webhooks.receiver import receiving
from tests.outbox.support import wait_until


def _webhook_settings() -> dict[str, object]:
    # Fails every attempt for 1 s → switched off after the first retry (real clock).
    return {
        "rate_limit": "0", "webhooks_allow_private": True, "webhooks_timeout_seconds": 2.0,
        "webhooks_retry_schedule": ("0.2s", "0.5s", "1s", "1s", "1s", "1s"),
        "webhooks_disable_after": 1,
    }  # fmt: skip


async def _switched_off(client: httpx.AsyncClient, admin: dict[str, str], hook: str) -> None:
    async def off() -> bool:
        read = (await client.get(f"/api/admin/webhooks/{hook}", headers=admin)).json()
        return read["active"] is False

    await wait_until(off, within=30.0, what="the endpoint to be switched off")


async def _sent(app: RustokApp, count: int) -> None:
    async def settled() -> bool:
        rows = await mails(app.platform)
        return len(rows) >= count and all(r.status == "sent" for r in rows)

    await wait_until(settled, within=30.0, what=f"{count} mails to be sent")
    await outbox_settled(app.platform)


async def test_a_switched_off_webhook_mails_the_tenants_webhook_admins(
    db_url: str, tmp_path: Path
) -> None:
    sink = SmtpSink()
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port, [WEBHOOKS], **_webhook_settings()) as (
            client,
            app,
        ):
            await shop_tenant(app.platform)
            await shop_tenant(app.platform, "other", "Other shop")
            admin = await shop_admin(client, app.platform)
            await shop_admin(client, app.platform, "other")
            await make_user(app.platform, "owner@shop.example", "super_admin", SHOP)
            await make_user(app.platform, "manager@shop.example", "manager", SHOP)
            await make_user(app.platform, "buyer@shop.example", "customer", SHOP)
            async with receiving(status=500) as receiver:
                hook = await create_webhook(client, admin, receiver.url, description="ERP")
                await _switched_off(client, admin, hook["id"])
            await _sent(app, 2)
            recipients = sorted(m.recipient for m in await mails(app.platform))
            assert recipients == ["admin@shop.example", "owner@shop.example"]
            assert {m.template for m in await mails(app.platform)} == {"webhook/disabled"}
            [mail] = sink.to("admin@shop.example")
            assert subject_of(mail) == "A webhook of Linen & Co was switched off"
            text = body_of(mail)
            assert f"Endpoint: {receiver.url} (ERP)" in text
            assert "Why: every attempt failed since" in text and "HTTP 500" in text
            assert f"PATCH /api/admin/webhooks/{hook['id']}" in text
            assert "Linen &amp; Co" in html_of(mail)
            assert sink.to("admin@other.example") == []
            assert sink.to("manager@shop.example") == sink.to("buyer@shop.example") == []


async def test_a_redelivered_disabled_event_mails_once_and_only_active_admins(
    db_url: str, tmp_path: Path
) -> None:
    sink = SmtpSink()
    with smtp_sink(sink) as port:
        async with mail_app(db_url, tmp_path, port, [WEBHOOKS], **_webhook_settings()) as (
            client,
            app,
        ):
            await shop_tenant(app.platform)
            admin = await shop_admin(client, app.platform)
            await make_user(app.platform, "gone@shop.example", "admin", SHOP)
            db = app.platform.db
            async with db.writer(), db.write_session(all_tenants=True) as session:
                await session.execute(
                    update(User).where(User.email == "gone@shop.example").values(status="inactive")
                )
                await session.commit()
            async with receiving(status=500) as receiver:
                hook = await create_webhook(client, admin, receiver.url)
                await _switched_off(client, admin, hook["id"])
            await _sent(app, 1)
            runtime = app.platform.events
            assert isinstance(runtime, EventRuntime)
            (runner,) = [r for r in runtime.runners if r.name == "webhooks.disabled_mail"]
            async with app.platform.db.read_session(all_tenants=True) as session:
                events = list(
                    await session.scalars(
                        select(OutboxEvent).where(OutboxEvent.event_type == "webhook.disabled")
                    )
                )
            assert len(events) == 1
            assert await runner.process(to_claimed(events[0]).envelope)
            await outbox_settled(app.platform)
            assert [m.recipient for m in await mails(app.platform)] == ["admin@shop.example"]
            assert len(sink.to("admin@shop.example")) == 1
            assert sink.to("gone@shop.example") == []
