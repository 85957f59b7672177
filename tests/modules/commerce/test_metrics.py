"""Business counters (O-1): orders placed and revenue by currency, refunds, cancellations by
reason — counted once per committed change, never for a refused checkout."""

from __future__ import annotations

import datetime as dt

import httpx
from prometheus_client import REGISTRY

from rustok.api.app import RustokApp
from rustok.core.db import utcnow
from rustok.modules.commerce.jobs import expire_pending_orders
from tests.modules.commerce.helpers import add_item, checkout, create_product, new_cart, signed_in


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _figures() -> dict[str, float]:
    return {
        "placed": _value("rustok_orders_placed_total", currency="EUR"),
        "revenue": _value("rustok_order_revenue_minor_units_total", currency="EUR"),
        "refunds": _value("rustok_order_refunds_minor_units_total", currency="EUR"),
        "expired": _value("rustok_orders_cancelled_total", reason="expired"),
        "refunded": _value("rustok_orders_cancelled_total", reason="refunded"),
        "requested": _value("rustok_orders_cancelled_total", reason="requested"),
    }


async def test_business_counters_follow_committed_orders(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=4, price=1500, currency="EUR")
    variant = product["variants"][0]["id"]
    before = _figures()
    orders = []
    for _ in range(3):
        cart = await new_cart(client, currency_code="EUR")
        await add_item(client, cart, variant, 1)
        placed = await checkout(client, cart)
        assert placed.status_code == 201, placed.text
        orders.append(placed.json())
    refused_cart = await new_cart(client, currency_code="EUR")
    await add_item(client, refused_cart, variant, 1)
    shrink = await client.post(
        f"/api/commerce/variants/{variant}/inventory/set", json={"quantity": 3}, headers=admin
    )
    assert shrink.status_code == 200, shrink.text
    refused = await checkout(client, refused_cart)
    assert refused.status_code == 409, refused.text  # all 3 units are held

    paid, cancelled, expiring = orders
    base = f"/api/commerce/orders/{paid['id']}"
    assert (await client.post(f"{base}/confirm", headers=admin)).status_code == 200
    assert (await client.post(f"{base}/pay", json={}, headers=admin)).status_code == 200
    after_pay = _figures()
    assert (await client.post(f"{base}/cancel", json={}, headers=admin)).status_code == 200
    cancel = await client.post(f"/api/commerce/orders/{cancelled['id']}/cancel", json={},
                               headers=admin)  # fmt: skip
    assert cancel.status_code == 200
    assert await expire_pending_orders(app.platform, now=utcnow() + dt.timedelta(days=2)) == 1

    after = _figures()
    delta = {key: after[key] - before[key] for key in before}
    assert delta == {
        "placed": 3, "revenue": paid["total"], "refunds": paid["total"], "expired": 1,
        "refunded": 1, "requested": 1,
    }  # fmt: skip
    assert after_pay["revenue"] - before["revenue"] == paid["total"] == 1500
    late = await client.get(f"/api/commerce/orders/{expiring['id']}", headers=admin)
    assert late.json()["cancel_reason"] == "expired"
