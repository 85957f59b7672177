"""A smoke workload over HTTP and the families it moves: a checkout, a published post, failed
and throttled sign-ins, GraphQL (one good and one invalid operation), an operator's replay,
and the idle-cart job. Shared by the metric, alert-rule and dashboard tests."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, update

from rustok.api.app import RustokApp
from rustok.core.db import utcnow
from rustok.modules.commerce.jobs import abandon_idle_carts
from rustok.modules.commerce.settings import CommerceSettings
from rustok.outbox.models import OutboxEvent
from tests.auth.helpers import bearer, make_user, sign_in
from tests.modules.commerce.helpers import add_item, checkout, create_product, new_cart, signed_in

Labels = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Exposition:
    """``/metrics`` parsed: every family and sample name, and every sample's value."""

    names: frozenset[str]
    values: Mapping[tuple[str, Labels], float]

    def total(self, sample: str, **labels: str) -> float:
        """The sum of ``sample`` over the series whose labels include ``labels``."""
        wanted = set(labels.items())
        return sum(v for (n, ls), v in self.values.items() if n == sample and wanted <= set(ls))


def parse_exposition(text: str) -> Exposition:
    names: set[str] = set()
    values: dict[tuple[str, Labels], float] = {}
    for family in text_string_to_metric_families(text):
        names.add(family.name)
        for sample in family.samples:
            names.add(sample.name)
            values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return Exposition(frozenset(names), values)


async def scrape(client: httpx.AsyncClient) -> Exposition:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return parse_exposition(response.text)


async def _relayed(client: httpx.AsyncClient, before: Exposition, event_type: str) -> Exposition:
    """Scrape until the relay has published ``event_type`` once more (bounded wait)."""
    deadline = time.monotonic() + 30
    while True:
        now = await scrape(client)
        published = now.total("rustok_events_published_total", event_type=event_type)
        if published > before.total("rustok_events_published_total", event_type=event_type):
            return now
        assert time.monotonic() < deadline, f"{event_type} was never relayed"
        await asyncio.sleep(0.05)


async def run_smoke_workload(client: httpx.AsyncClient, app: RustokApp) -> Exposition:
    """Drive the workload; returns the exposition taken before it started."""
    before = await scrape(client)
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=5, price=1200, currency="EUR")
    cart = await new_cart(client, currency_code="EUR")
    await add_item(client, cart, product["variants"][0]["id"], 1)
    placed = await checkout(client, cart)
    assert placed.status_code == 201, placed.text
    idle = await new_cart(client, currency_code="EUR")
    assert idle["status"] == "open"

    post = await client.post(
        "/api/blog/posts",
        json={"translations": [{"locale": "en", "title": "Smoke"}], "publish": True},
        headers=admin,
    )
    assert post.status_code == 201 and post.json()["status"] == "published", post.text

    await make_user(app.platform, "victim@example.com", "customer")
    codes = []
    for _ in range(6):  # RUSTOK_LOGIN_RATE_LIMIT is 5/minute: the sixth is throttled
        refused = await client.post(
            "/api/auth/login", json={"email": "victim@example.com", "password": "wrong guess!"}
        )
        codes.append(refused.status_code)
    assert codes == [401] * 5 + [429], codes
    unknown = await client.post(
        "/api/auth/login", json={"email": "nobody@example.com", "password": "whatever it is"}
    )
    assert unknown.status_code == 401

    good = await client.post("/api/graphql", json={"query": "{ health apiVersion }"})
    assert good.status_code == 200 and good.json()["data"]["health"] == "ok", good.text
    bad = await client.post("/api/graphql", json={"query": "{ noSuchField }"})
    assert bad.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    await _replay_one(client, app, before)
    later = utcnow() + dt.timedelta(
        seconds=app.platform.settings.of(CommerceSettings).cart_ttl + 60
    )
    assert await abandon_idle_carts(app.platform, now=later) >= 1
    return before


async def _replay_one(client: httpx.AsyncClient, app: RustokApp, before: Exposition) -> None:
    """Fail the checkout's ``order.placed`` row as if the broker refused it, then replay it."""
    await _relayed(client, before, "order.placed")
    async with app.platform.db.read_session(all_tenants=True) as session:
        event_id: uuid.UUID | None = await session.scalar(
            select(OutboxEvent.id).where(OutboxEvent.event_type == "order.placed").limit(1)
        )
    assert event_id is not None
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id == event_id)
            .values(status="failed", attempts=10, last_error="broker said no")
        )
        await session.commit()
    await make_user(app.platform, "root@example.com", "super_admin")
    root = bearer(await sign_in(client, "root@example.com"))
    replayed = await client.post(f"/api/admin/events/{event_id}/replay", headers=root)
    assert replayed.status_code == 200, replayed.text
