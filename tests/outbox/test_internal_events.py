"""Internal event types never leave the platform: not in ``/api/admin/events``, not on the
NATS subjects other services read (hardening item 9)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import nats
import pytest
from nats.aio.msg import Msg
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.bootstrap import bootstrap
from rustok.core.context import RequestContext, use_context
from rustok.core.events import CATALOGUE
from rustok.core.platform import Platform
from rustok.mail.mail_runtime import mail_runtime
from rustok.outbox.models import OutboxEvent
from rustok.outbox.transports.nats import NatsTransport
from tests.auth.helpers import bearer, make_user, sign_in
from tests.conftest import make_settings, outbox_settled
from tests.outbox.support import TENANT, Ticked, inbox_count, runtime_of, wait_until
from tests.services import Service


def test_mail_queued_is_internal_and_the_catalogue_says_so() -> None:
    assert CATALOGUE.is_internal("mail.queued")
    assert not CATALOGUE.is_internal("user.registered")
    assert not CATALOGUE.is_internal("no.such.type")
    assert "mail.queued" in CATALOGUE.internal_types()
    assert CATALOGUE.json_schema()["events"]["mail.queued"]["internal"] is True


async def test_admin_events_api_does_not_show_internal_events(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "root@example.com", "super_admin")
    root = bearer(await sign_in(client, "root@example.com"))
    await client.post("/api/auth/password-reset/request", json={"email": "root@example.com"})
    await outbox_settled(app.platform)
    listed = (await client.get("/api/admin/events?per_page=100", headers=root)).json()
    types = {item["event_type"] for item in listed["items"]}
    assert "user.logged_in" in types
    assert "mail.queued" not in types
    assert listed["total"] == len(listed["items"])  # the total does not count them either
    [internal] = await _event_ids(app.platform, "mail.queued")
    shown = await client.get(f"/api/admin/events/{internal}", headers=root)
    assert shown.status_code == 404 and shown.json()["code"] == "EVENT_NOT_FOUND"
    replay = await client.post(f"/api/admin/events/{internal}/replay", headers=root)
    assert replay.status_code == 404


async def _event_ids(platform: Platform, event_type: str) -> list[uuid.UUID]:
    async with platform.db.read_session(all_tenants=True) as session:
        rows = await session.scalars(
            select(OutboxEvent.id).where(OutboxEvent.event_type == event_type)
        )
        return list(rows)


@pytest.mark.slow
@pytest.mark.usefixtures("settled_outbox")
async def test_internal_events_use_private_nats_subjects(
    db_url: str, tmp_path: Path, nats_service: Service
) -> None:
    stream = f"T{uuid.uuid4().hex[:10].upper()}"
    settings = make_settings(
        db_url, tmp_path, event_transport="nats", nats_url=nats_service.url, nats_stream=stream,
        outbox_poll_interval=0.05,
    )  # fmt: skip
    platform = bootstrap(settings, modules=[])
    transport = runtime_of(platform).transport
    assert isinstance(transport, NatsTransport)
    public: list[str] = []
    private: list[str] = []
    nc = await nats.connect(nats_service.url)
    try:

        async def on_public(message: Msg) -> None:
            public.append(message.subject)

        async def on_private(message: Msg) -> None:
            private.append(message.subject)

        await nc.subscribe(f"{transport.prefix}.>", cb=on_public)
        await nc.subscribe(f"{transport.internal_prefix}.>", cb=on_private)
        await platform.start_background()
        with use_context(RequestContext(tenant=TENANT)):
            async with platform.uow() as uow:
                mail_runtime(platform).queue.queue(
                    uow, to="x@example.com", template="account/password_reset", locale="en",
                    data={"base_url": "http://x", "tenant_name": "X"}, secret="s3cret-token",
                )  # fmt: skip
                uow.publish(Ticked(thing_id=uuid.uuid4(), n=1))
                await uow.commit()
        await wait_until(lambda: _has(public, private), what="both subjects")
        await wait_until(
            lambda: _handled(platform), what="the mail consumer to receive mail.queued"
        )
        assert all(s.endswith(".test.ticked") for s in public), public
        assert [s.rsplit(".", 2)[-2:] for s in private] == [["mail", "queued"]]
    finally:
        await nc.close()
        await platform.aclose()


async def _has(public: list[str], private: list[str]) -> bool:
    await asyncio.sleep(0)
    return bool(public) and bool(private)


async def _handled(platform: Platform) -> bool:
    return await inbox_count(platform, "mail") == 1
