"""Every commerce route × every role (A-5), and isolation between tenants (T-1): another
tenant's product, variant, cart, order or discount answers 404, never its data."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from rustok.api.app import RustokApp
from rustok.rbac.catalogue import SYSTEM_ROLES
from rustok.tenancy.schemas import TenantCreate
from tests.auth.helpers import bearer, make_user, sign_in
from tests.conftest import outbox_settled
from tests.modules.commerce.helpers import add_item, checkout, create_product, new_cart, signed_in
from tests.security.test_route_permissions import ROLES, expected, http_routes

PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
COMMERCE = ("/api/commerce", "/api/store")
DENIED = ("UNAUTHENTICATED", "FORBIDDEN", "INVALID_TOKEN", "SESSION_REVOKED")


def _concrete(path: str) -> str:
    return PARAM.sub(lambda m: str(uuid.uuid4()) if m.group(2) == "uuid" else "probe", path)


async def test_every_commerce_route_by_every_role(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    routes = [r for r in http_routes(app) if r[1].startswith(COMMERCE)]
    assert len(routes) >= 60
    tokens: dict[str, dict[str, str]] = {}
    for role in SYSTEM_ROLES:
        await make_user(app.platform, f"{role}@example.com", role)
        tokens[role] = bearer(await sign_in(client, f"{role}@example.com"))
    failures = []
    for method, path, handler in routes:
        for role in ROLES:
            want = expected(role, handler)
            headers: dict[str, Any] = tokens[role] if role != "anonymous" else {}
            response = await client.request(method, _concrete(path), headers=headers, json={})
            got = response.status_code
            if want in ("401", "403"):
                ok = got == int(want)
            else:
                ok = got not in (401, 403) or response.json().get("code") not in DENIED
            if got >= 500 or not ok:
                failures.append(
                    f"{role} {method} {path}: expected {want}, got {got} {response.text[:100]}"
                )
    assert failures == []


async def test_tenants_never_see_each_other(client: httpx.AsyncClient, app: RustokApp) -> None:
    await app.tenancy.tenants().create(TenantCreate(slug="shop-b", name="Shop B"))
    admin_a = await signed_in(client, app, "admin")
    admin_b = await signed_in(client, app, "admin", tenant="shop-b")
    product = await create_product(client, admin_a, title="Secret", variants=1, stock=5)
    variant = product["variants"][0]["id"]
    discount = await client.post(
        "/api/commerce/discounts", json={"code": "A-ONLY", "kind": "percentage", "value": 5},
        headers=admin_a,
    )  # fmt: skip
    cart = await new_cart(client)
    await add_item(client, cart, variant, 1)
    order = (await checkout(client, cart, discount_code="A-ONLY")).json()
    b = {"X-Tenant-ID": "shop-b"}
    for path in (
        f"/api/commerce/products/{product['id']}", f"/api/commerce/variants/{variant}",
        f"/api/commerce/variants/{variant}/inventory", f"/api/commerce/orders/{order['id']}",
        f"/api/commerce/discounts/{discount.json()['id']}",
    ):  # fmt: skip
        response = await client.get(path, headers=admin_b)
        assert response.status_code == 404, (path, response.text)
    for path in (
        f"/api/commerce/orders/{order['id']}/confirm",
        f"/api/commerce/products/{product['id']}/archive",
    ):
        assert (await client.post(path, headers=admin_b)).status_code == 404
    adjust = await client.post(
        f"/api/commerce/variants/{variant}/inventory/adjust", json={"delta": 5}, headers=admin_b
    )
    assert adjust.status_code == 404
    await outbox_settled(app.platform)
    assert (await client.get("/api/store/products/secret")).status_code == 200  # the owner's
    assert (await client.get("/api/store/products/secret", headers=b)).status_code == 404
    assert (await client.get("/api/store/products", headers=b)).json()["items"] == []
    assert (await client.get("/api/commerce/orders", headers=admin_b)).json()["total"] == 0
    stolen = await client.get(
        f"/api/store/carts/{cart['id']}", headers={**b, "X-Cart-Token": cart["token"]}
    )
    assert stolen.status_code == 404
    b_cart = await new_cart(client, b)
    foreign_item = await client.post(
        f"/api/store/carts/{b_cart['id']}/items", json={"variant_id": variant, "quantity": 1},
        headers={**b, "X-Cart-Token": b_cart["token"]},
    )  # fmt: skip
    assert foreign_item.status_code == 400
    code_elsewhere = await client.patch(
        f"/api/store/carts/{b_cart['id']}", json={"discount_code": "A-ONLY"},
        headers={**b, "X-Cart-Token": b_cart["token"]},
    )  # fmt: skip
    assert code_elsewhere.status_code == 409
    # A token of tenant A is refused on tenant B.
    assert (await client.get("/api/commerce/products", headers={**admin_a, **b})).status_code == 403
