"""The NATS JetStream transport against the private nats-server (E-5, R-1, R-3)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import nats
import pytest
from sqlalchemy import select

from rustok.api.app import create_app
from rustok.bootstrap import bootstrap
from rustok.cli.worker import WorkerPart, limit_to
from rustok.core.module import ModuleSpec
from rustok.core.platform import Platform
from rustok.core.resilience import CircuitState
from rustok.core.settings import Settings
from rustok.outbox.claims import ClaimedEvent, to_claimed
from rustok.outbox.models import OutboxEvent
from rustok.outbox.transports.nats import NatsTransport
from tests.conftest import make_settings
from tests.lifespan import LifespanManager
from tests.outbox.support import (
    Recorder,
    inbox_count,
    raise_events,
    runtime_of,
    statuses,
    wait_until,
)
from tests.services import Service

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("settled_outbox")]


@pytest.fixture
def stream() -> str:
    return f"T{uuid.uuid4().hex[:10].upper()}"


@pytest.fixture
def settings(db_url: str, tmp_path: Path, nats_service: Service, stream: str) -> Settings:
    return make_settings(
        db_url, tmp_path, event_transport="nats", nats_url=nats_service.url, nats_stream=stream,
        outbox_poll_interval=0.05, outbox_lease_seconds=3, broker_timeout_seconds=0.5,
        broker_breaker_open_seconds=0.5,
    )  # fmt: skip


async def _stream_messages(url: str, stream: str) -> int:
    nc = await nats.connect(url)
    try:
        info = await nc.jetstream().stream_info(stream)
        return int(info.state.messages)
    finally:
        await nc.close()


def _transport(platform: Platform) -> NatsTransport:
    transport = runtime_of(platform).transport
    assert isinstance(transport, NatsTransport)
    return transport


async def test_events_flow_through_jetstream_once(
    platform: Platform, nats_service: Service, stream: str
) -> None:
    recorder = Recorder()
    platform.consumers.append(recorder.spec())
    runtime = runtime_of(platform)
    await runtime.start()
    try:
        ids = await raise_events(platform, [uuid.uuid4() for _ in range(5)], per_thing=20)
        await wait_until(lambda: _handled(platform, recorder, 100), what="consumption")
        # The relay marks what the broker stored a moment later, in one write (relay.py).
        await wait_until(lambda: _all_dispatched(platform, 100), what="marks")
        assert await statuses(platform) == {"dispatched": 100}
        assert await _stream_messages(nats_service.url, stream) == 100
        # A relay that publishes the same rows again (crash before marking) stores nothing new.
        transport = _transport(platform)
        async with platform.db.read_session(all_tenants=True) as session:
            rows = (
                await session.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(ids[:10])))
            ).all()
        again: list[ClaimedEvent] = [to_claimed(r) for r in rows]
        assert await transport.publish(again, lambda *_: None) == [None] * 10
        assert await _stream_messages(nats_service.url, stream) == 100
        await asyncio.sleep(0.3)
    finally:
        await runtime.stop()
    assert sorted(e.id for e in recorder.seen) == sorted(ids)
    order = Counter[uuid.UUID]()
    for envelope in recorder.seen:  # per aggregate, in the order raised
        assert envelope.aggregate_id is not None
        assert envelope.payload["n"] == order[envelope.aggregate_id]
        order[envelope.aggregate_id] += 1


async def _handled(platform: Platform, recorder: Recorder, n: int) -> bool:
    return await inbox_count(platform, recorder.name) >= n


@pytest.fixture
def outage_nats(nats_service: Service) -> Iterator[Service]:
    """The shared server, restarted whatever the test did to it."""
    yield nats_service
    if nats_service.proc is None:
        nats_service.start_again()


async def test_broker_outage_degrades_then_drains(
    settings: Settings, platform: Platform, outage_nats: Service, stream: str
) -> None:
    recorder = Recorder()
    platform.consumers.append(recorder.spec())
    app = create_app(settings, platform=platform)
    transport = _transport(platform)
    async with LifespanManager(app):
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        first = await raise_events(platform, [uuid.uuid4() for _ in range(4)], per_thing=5)
        await wait_until(lambda: _handled(platform, recorder, 20), what="first batch")
        ready = (await client.get("/health/ready")).json()
        assert ready["status"] == "ready" and ready["checks"]["broker"]["status"] == "ok"

        outage_nats.kill()
        # Writes still succeed; the relay fails, the breaker opens, the outbox grows.
        during = await raise_events(platform, [uuid.uuid4() for _ in range(10)], per_thing=10)

        async def breaker_open() -> bool:
            return transport.breaker.state is not CircuitState.CLOSED

        await wait_until(breaker_open, what="the breaker opening")
        more = await raise_events(platform, [uuid.uuid4() for _ in range(5)], per_thing=4)
        response = await client.get("/health/ready")
        assert response.status_code == 200  # degraded, not unavailable: writes go on
        body = response.json()
        assert body["status"] == "degraded"
        assert body["checks"]["broker"]["status"] in ("down", "degraded")
        assert body["checks"]["database"]["status"] == "ok"
        assert (await statuses(platform)).get("pending", 0) >= 20
        assert await inbox_count(platform, recorder.name) == 20

        outage_nats.start_again()
        total = len(first) + len(during) + len(more)
        await wait_until(lambda: _handled(platform, recorder, total), within=40, what="backlog")
        await wait_until(lambda: _all_dispatched(platform, total), what="outbox drained")
        assert transport.breaker.state is CircuitState.CLOSED
        ready = (await client.get("/health/ready")).json()
        assert ready["checks"]["broker"]["status"] == "ok"
        await client.aclose()
    seen = [e.id for e in recorder.seen]
    assert len(seen) == len(set(seen)) == total  # nothing lost, nothing twice
    assert set(seen) == set(first + during + more)
    assert await statuses(platform) == {"dispatched": total}


async def _all_dispatched(platform: Platform, total: int) -> bool:
    return (await statuses(platform)).get("dispatched", 0) == total


def _relay_and_consumer_processes(
    relay_only: Platform, settings: Settings, test_modules: list[ModuleSpec]
) -> tuple[Platform, Recorder]:
    """A second platform beside ``relay_only``: two worker processes, one running only the
    relay and one only the consumers (among them a recorder, declared in both)."""
    consumers_only = bootstrap(settings, modules=test_modules)
    recorder = Recorder()
    for each in (relay_only, consumers_only):
        each.consumers.append(recorder.spec())
    limit_to(relay_only, WorkerPart.relay)
    limit_to(consumers_only, WorkerPart.consumers)
    return consumers_only, recorder


async def test_relay_and_consumers_run_in_separate_processes(
    platform: Platform, settings: Settings, test_modules: list[ModuleSpec]
) -> None:
    relay_only = platform
    consumers_only, recorder = _relay_and_consumer_processes(relay_only, settings, test_modules)
    try:
        await runtime_of(consumers_only).start()
        await runtime_of(relay_only).start()
        assert runtime_of(relay_only).runners == [] and relay_only.jobs is None
        assert runtime_of(relay_only).relay.running
        assert not runtime_of(consumers_only).relay.running
        assert recorder.name in {r.name for r in runtime_of(consumers_only).runners}
        ids = await raise_events(consumers_only, [uuid.uuid4() for _ in range(4)], per_thing=10)
        await wait_until(lambda: _handled(platform, recorder, len(ids)), what="consumption")
        await wait_until(lambda: _all_dispatched(platform, len(ids)), what="marks")
        assert await statuses(platform) == {"dispatched": len(ids)}
        by_thing: dict[str, list[int]] = {}
        for envelope in recorder.seen:
            by_thing.setdefault(envelope.payload["thing_id"], []).append(envelope.payload["n"])
        assert all(ns == list(range(10)) for ns in by_thing.values()), by_thing
    finally:
        await consumers_only.aclose()


async def test_a_consumer_process_started_after_the_relay_published_gets_every_event(
    platform: Platform, settings: Settings, test_modules: list[ModuleSpec]
) -> None:
    """A durable is declared by every process of the deployment, the relay-only one too: a
    durable starts at the messages published after it exists, so one declared only when its
    own process first connected missed what the relay had already sent (for ever)."""
    relay_only = platform
    consumers_only, recorder = _relay_and_consumer_processes(relay_only, settings, test_modules)
    try:
        await runtime_of(relay_only).start()
        ids = await raise_events(relay_only, [uuid.uuid4() for _ in range(3)], per_thing=5)
        await wait_until(
            lambda: _all_dispatched(platform, len(ids)), what="the relay publishing everything"
        )
        await runtime_of(consumers_only).start()  # its process starts only now
        await wait_until(lambda: _handled(platform, recorder, len(ids)), what="consumption")
        assert sorted(e.id for e in recorder.seen) == sorted(ids)
    finally:
        await consumers_only.aclose()


async def test_only_one_part_needs_a_broker(db_url: str, tmp_path: Path) -> None:
    memory = bootstrap(make_settings(db_url, tmp_path))
    try:
        with pytest.raises(ValueError, match="needs RUSTOK_EVENT_TRANSPORT=nats"):
            limit_to(memory, WorkerPart.consumers)
    finally:
        await memory.aclose()
