"""Every problem the API answers is documented on the operation that answered it (API-1).

A tour of the API's failure paths — tenant resolution, tokens, permissions, bodies, state
machines, stock, payments, idempotency, modules, the outbox — records each problem+json
answer and checks it against ``/api/openapi.json``: the operation must list the status and,
under it, the code. ``tests/e2e/test_fuzz_openapi.py`` does the same for the generated
requests of every operation.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from rustok.api.app import RustokApp, create_app
from rustok.api.openapi import build_document
from rustok.bootstrap import bootstrap
from rustok.core.errors import RustokError
from rustok.core.settings import Settings
from tests.api.problem_ledger import ProblemLedger
from tests.auth.helpers import PASSWORD, bearer, make_user, sign_in
from tests.conftest import make_settings, serve_app
from tests.modules.commerce.helpers import (
    add_item,
    checkout,
    create_product,
    new_cart,
    product_body,
)

Json = dict[str, Any]


@pytest.fixture
async def ledger(client: httpx.AsyncClient) -> AsyncIterator[ProblemLedger]:
    document = (await client.get("/api/openapi.json")).json()
    ledger = ProblemLedger(document)
    client.event_hooks["response"].append(ledger.hook)
    yield ledger
    client.event_hooks["response"].remove(ledger.hook)


async def _tenancy(client: httpx.AsyncClient, root: dict[str, str]) -> None:
    for tenant in ("Not A Slug!", "no-such-tenant"):
        await client.get("/api/store/products", headers={"X-Tenant-ID": tenant})
        await client.post("/api/auth/login", json={"email": "a@b.co", "password": "x"},
                          headers={"X-Tenant-ID": tenant})  # fmt: skip
    created = await client.post("/api/admin/tenants", json={"slug": "shut", "name": "Shut"},
                                headers=root)  # fmt: skip
    assert created.status_code == 201, created.text
    await client.post("/api/admin/tenants", json={"slug": "shut", "name": "Again"}, headers=root)
    await client.patch(f"/api/admin/tenants/{created.json()['id']}", json={"is_active": False},
                       headers=root)  # fmt: skip
    await client.get("/api/store/products", headers={"X-Tenant-ID": "shut"})
    await client.get(f"/api/admin/tenants/{uuid.uuid4()}", headers=root)
    default = "00000000-0000-0000-0000-000000000001"
    await client.patch(f"/api/admin/tenants/{default}", json={"is_active": False}, headers=root)
    await client.put("/api/modules/no-such-module", json={"enabled": False}, headers=root)
    await client.put("/api/modules/content", json={"enabled": False}, headers=root)


async def _auth(client: httpx.AsyncClient, app: RustokApp, customer: dict[str, str]) -> None:
    for _ in range(7):  # wrong passwords, then the throttle
        await client.post("/api/auth/login", json={"email": "root@example.com", "password": "no"})
    await client.get("/api/auth/me")
    await client.get("/api/auth/me", headers={"Authorization": "Basic abc"})
    await client.get("/api/auth/me", headers={"Authorization": "Bearer not-a-token"})
    await client.post("/api/auth/refresh", json={"refresh_token": "x" * 43})
    await client.post(
        "/api/auth/register", json={"email": "root@example.com", "password": PASSWORD}
    )
    await client.post("/api/auth/register", json={"email": 5, "password": PASSWORD})
    await client.post("/api/auth/register", content=b'{"email": ',
                      headers={"content-type": "application/json"})  # fmt: skip
    await client.post(
        "/api/auth/register", content=b"email=a", headers={"content-type": "text/plain"}
    )
    await client.post("/api/auth/register", content=b"[" * 100 + b"]" * 100,
                      headers={"content-type": "application/json"})  # fmt: skip
    await client.post("/api/auth/password-reset/confirm",
                      json={"token": "x" * 43, "new_password": PASSWORD})  # fmt: skip
    await client.post("/api/admin/tenants", json={"slug": "nope", "name": "No"}, headers=customer)
    await make_user(app.platform, "leaving@example.com", "customer")
    leaving = bearer(await sign_in(client, "leaving@example.com"))
    await client.post("/api/auth/logout", headers=leaving)
    await client.get("/api/auth/me", headers=leaving)
    await client.get("/api/store/products", headers=leaving)


async def _commerce(client: httpx.AsyncClient, root: dict[str, str]) -> None:
    product = await create_product(client, root, title="Census Tee", variants=2, stock=2)
    variant = product["variants"][0]["id"]
    duplicate = product_body(title="Census Tee", variants=1)
    duplicate["translations"][0]["handle"] = product["translations"][0]["handle"]
    await client.post("/api/commerce/products", json=duplicate, headers=root)
    cart = await new_cart(client)
    await client.post(f"/api/store/carts/{cart['id']}/items",
                      json={"variant_id": variant, "quantity": 5},
                      headers={"X-Cart-Token": cart["token"]})  # fmt: skip
    await add_item(client, cart, variant, 1)
    await checkout(client, cart, payment_provider="test", payment_token="tok_decline")
    placed = await checkout(client, cart, key="census-1")
    assert placed.status_code == 201, placed.text
    await checkout(client, cart, key="census-1", email="other@example.com")
    await checkout(client, cart)
    order = placed.json()["id"]
    await client.post(f"/api/commerce/orders/{order}/ship", json={}, headers=root)
    await client.get(f"/api/commerce/orders/{uuid.uuid4()}", headers=root)
    await client.get("/api/store/carts/not-a-uuid")
    await client.get(f"/api/store/carts/{uuid.uuid4()}")
    await client.get("/api/store/products", params={"cursor": "garbage"})
    await client.delete(f"/api/commerce/variants/{variant}", headers=root)


async def _content(client: httpx.AsyncClient, root: dict[str, str]) -> None:
    body = {"translations": [{"locale": "en", "title": "Census", "slug": "census"}]}
    first = await client.post("/api/blog/posts", json=body, headers=root)
    assert first.status_code == 201, first.text
    await client.post("/api/blog/posts", json=body, headers=root)
    post = first.json()["id"]
    await client.post(f"/api/blog/posts/{post}/unpublish", headers=root)
    await client.get(f"/api/content/nodes/{uuid.uuid4()}")
    await client.post("/api/content/media", content=b"MZ\x90\x00" + b"\x00" * 64,
                      params={"file_name": "tool.exe"},
                      headers={**root, "content-type": "application/octet-stream"})  # fmt: skip


async def _media_and_webhooks(client: httpx.AsyncClient, root: dict[str, str]) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    await client.post("/api/content/media", files={"file": ("a.gif", png, "image/gif")},
                      headers=root)  # fmt: skip
    await client.post("/api/admin/webhooks", headers=root,
                      json={"url": "http://127.0.0.1/hook", "event_types": ["*"]})  # fmt: skip
    await client.get(f"/api/admin/webhooks/{uuid.uuid4()}", headers=root)
    await client.post(f"/api/admin/webhooks/deliveries/{uuid.uuid4()}/redeliver", headers=root)


async def _api_keys_and_mails(
    client: httpx.AsyncClient, app: RustokApp, root: dict[str, str]
) -> None:
    await make_user(app.platform, "keeper@example.com", "admin")
    admin = bearer(await sign_in(client, "keeper@example.com"))
    wider = {"name": "wide", "permissions": ["products:list", "tenants:list"]}
    await client.post("/api/admin/api-keys", json=wider, headers=admin)
    created = await client.post(
        "/api/admin/api-keys", json={"name": "tour", "permissions": ["api_keys:manage"]},
        headers=admin,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    key = {"X-Api-Key": created.json()["key"]}
    await client.post("/api/admin/api-keys", json={"name": "child", "permissions": []}, headers=key)
    await client.post("/api/auth/logout", headers=key)
    await client.get("/api/store/products", headers={"X-Api-Key": "rk_live_garbage"})
    other = await client.post("/api/admin/tenants", json={"slug": "elsewhere", "name": "E"},
                              headers=root)  # fmt: skip
    assert other.status_code == 201, other.text
    await client.get("/api/admin/api-keys", headers={**key, "X-Tenant-ID": "elsewhere"})
    await client.get(f"/api/admin/api-keys/{uuid.uuid4()}", headers=admin)
    await client.delete(f"/api/admin/api-keys/{created.json()['id']}", headers=admin)
    await client.get("/api/admin/api-keys", headers=key)
    templates = "/api/admin/mail-templates"
    await client.get(f"{templates}/order/lost/en", headers=root)
    await client.get(f"{templates}/account/password_reset/EN_us", headers=root)
    broken = {"subject": "x", "text": "{{ unclosed", "html": "<p>x</p>"}
    await client.put(f"{templates}/account/password_reset/en", json=broken, headers=root)
    await client.get("/api/admin/mails", params={"status": "lost"}, headers=root)


async def _outbox(client: httpx.AsyncClient, root: dict[str, str]) -> None:
    await client.get(f"/api/admin/events/{uuid.uuid4()}", headers=root)
    await client.post(f"/api/admin/events/{uuid.uuid4()}/replay", headers=root)
    events = (await client.get("/api/admin/events", headers=root)).json()["items"]
    await client.post(f"/api/admin/events/{events[0]['id']}/replay", headers=root)


async def test_every_problem_answered_is_documented(
    client: httpx.AsyncClient, app: RustokApp, ledger: ProblemLedger
) -> None:
    await make_user(app.platform, "root@example.com", "super_admin")
    await make_user(app.platform, "shopper@example.com", "customer")
    root = bearer(await sign_in(client, "root@example.com"))
    customer = bearer(await sign_in(client, "shopper@example.com"))
    await _commerce(client, root)
    await _content(client, root)
    await _outbox(client, root)
    await _media_and_webhooks(client, root)
    await _api_keys_and_mails(client, app, root)
    await _auth(client, app, customer)
    await _tenancy(client, root)

    assert ledger.unmatched == set()
    assert ledger.undocumented() == []
    # The tour reached the layers it means to: a change that stops a failure from
    # happening here should change this test too.
    assert {
        (400, "INVALID_TENANT_IDENTIFIER"),
        (404, "TENANT_NOT_FOUND"),
        (403, "TENANT_DISABLED"),
        (401, "INVALID_CREDENTIALS"),
        (429, "TOO_MANY_ATTEMPTS"),
        (401, "UNAUTHENTICATED"),
        (401, "INVALID_TOKEN"),
        (401, "INVALID_REFRESH_TOKEN"),
        (401, "SESSION_REVOKED"),
        (403, "FORBIDDEN"),
        (409, "EMAIL_TAKEN"),
        (400, "VALIDATION_ERROR"),
        (400, "MALFORMED_BODY"),
        (415, "UNSUPPORTED_MEDIA_TYPE"),
        (400, "NESTING_TOO_DEEP"),
        (400, "INVALID_OR_EXPIRED_TOKEN"),
        (409, "TENANT_EXISTS"),
        (409, "DEFAULT_TENANT"),
        (404, "MODULE_NOT_FOUND"),
        (409, "MODULE_DEPENDENCY_CONFLICT"),
        (409, "DUPLICATE_HANDLE"),
        (409, "INSUFFICIENT_INVENTORY"),
        (402, "PAYMENT_DECLINED"),
        (422, "IDEMPOTENCY_KEY_REUSED"),
        (409, "CART_NOT_OPEN"),
        (409, "INVALID_TRANSITION"),
        (404, "NOT_FOUND"),
        (400, "INVALID_CURSOR"),
        (409, "SLUG_TAKEN"),
        (404, "NODE_NOT_FOUND"),
        (415, "MEDIA_TYPE_NOT_ALLOWED"),
        (404, "EVENT_NOT_FOUND"),
        (409, "NOTHING_TO_REPLAY"),
        (404, "TENANT_NOT_FOUND"),
        (409, "VARIANT_RESERVED"),
        (415, "MEDIA_TYPE_MISMATCH"),
        (422, "URL_NOT_ALLOWED"),
        (404, "WEBHOOK_NOT_FOUND"),
        (404, "DELIVERY_NOT_FOUND"),
        (403, "PERMISSIONS_TOO_WIDE"),
        (403, "API_KEY_NOT_ALLOWED"),
        (401, "INVALID_API_KEY"),
        (403, "TENANT_MISMATCH"),
        (401, "API_KEY_REVOKED"),
        (422, "TEMPLATE_REFUSED"),
    } <= ledger.codes(), sorted(ledger.codes())


@pytest.fixture
def limited_settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="3/minute")


async def test_rate_limited_answers_are_documented(limited_settings: Settings) -> None:
    app = create_app(limited_settings, platform=bootstrap(limited_settings))
    async with serve_app(app) as client:
        ledger = ProblemLedger((await client.get("/api/openapi.json")).json())
        client.event_hooks["response"].append(ledger.hook)
        for _ in range(5):
            await client.get("/api/store/products")
            await client.post("/api/auth/login", json={"email": "x@y.zz", "password": "p"})
    assert (429, "RATE_LIMITED") in ledger.codes()
    assert ledger.undocumented() == []


@pytest.fixture
def one_connection_settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        db_url, tmp_path, db_pool_size=1, db_max_overflow=0, db_pool_timeout=0.2,
        serve_events=False,
    )  # fmt: skip


async def test_database_outage_answers_are_documented(one_connection_settings: Settings) -> None:
    """The database layer's 503 comes from the engine, not from a ``raise`` in a handler:
    the document still lists it on every operation that reaches the database."""
    app = create_app(one_connection_settings, platform=bootstrap(one_connection_settings))
    async with serve_app(app) as client:
        document = (await client.get("/api/openapi.json")).json()
        ledger = ProblemLedger(document)
        await make_user(app.platform, "root@example.com", "super_admin")
        root = bearer(await sign_in(client, "root@example.com"))
        assert (await client.get("/api/store/products")).status_code == 200  # tenant cached
        client.event_hooks["response"].append(ledger.hook)
        async with app.platform.db.engine.connect() as held:  # the pool's only connection
            await held.exec_driver_sql("SELECT 1")
            # (Storefront reads use their own read pool: tests/core/test_db_outage.py.)
            await client.post("/api/auth/login", json={"email": "a@b.co", "password": "x"})
            await client.get("/api/admin/webhooks", headers=root)
            await client.post("/api/content/media", files={"file": ("a.txt", b"hi")},
                              headers=root)  # fmt: skip
    answered = sorted((a.method, a.template, a.status, a.code) for a in ledger.seen)
    assert len(answered) == 3 and {a[2:] for a in answered} == {(503, "SERVICE_UNAVAILABLE")}
    assert ledger.undocumented() == []
    for item in document["paths"].values():  # every tenant-scoped operation lists it
        for method, operation in item.items():
            tenant_scoped = any(
                "TenantId" in p.get("$ref", "") for p in operation.get("parameters", [])
            )
            if tenant_scoped:
                codes = operation["responses"]["503"]["x-problem-codes"]
                assert "SERVICE_UNAVAILABLE" in codes, (method, operation["operationId"])


async def test_the_check_fails_when_an_operation_forgets_a_status(
    client: httpx.AsyncClient, ledger: ProblemLedger
) -> None:
    await client.get("/api/store/products", headers={"X-Tenant-ID": "no-such-tenant"})
    await client.get(f"/api/store/carts/{uuid.uuid4()}")
    assert ledger.undocumented() == []
    operation = ledger.document["paths"]["/api/store/carts/{cart_id}"]["get"]
    operation["responses"]["404"]["x-problem-codes"].remove("NOT_FOUND")
    del ledger.document["paths"]["/api/store/products"]["get"]["responses"]["404"]
    assert ledger.undocumented() == [
        "GET /api/store/carts/{cart_id} answered 404 NOT_FOUND; documented: ['TENANT_NOT_FOUND']",
        "GET /api/store/products answered 404 TENANT_NOT_FOUND; documented: nothing for that "
        "status",
    ]


# Errors no REST operation answers, and why.
NOT_ANSWERED_OVER_REST = {
    "QUERY_TOO_LARGE": "GraphQL: an error in the GraphQL result (HTTP 200)",
    "QUERY_TOO_COMPLEX": "GraphQL: an error in the GraphQL result (HTTP 200)",
    "PERSISTED_QUERY_NOT_FOUND": "GraphQL: an error in the GraphQL result (HTTP 200)",
    "PERSISTED_QUERY_HASH_MISMATCH": "GraphQL: an error in the GraphQL result (HTTP 200)",
    "BROKER_UNAVAILABLE": "the outbox relay's, retried there; requests only write the outbox",
    "UNPROCESSABLE_CONTENT": "a base class: only its subclasses (own codes) are raised",
    "METHOD_NOT_ALLOWED": "/mcp's (POST-only JSON-RPC, outside the document); a REST path's "
    "other methods are no operations",
    "ADMIN_SESSION_ENDED": "the admin UI's (HTML pages outside the document): a redirect to "
    "its sign-in form",
    "STALE_FORM": "the admin UI's edit forms (HTML pages outside the document)",
}


def _error_classes() -> list[type[RustokError]]:
    found: list[type[RustokError]] = []
    stack: list[type[RustokError]] = [RustokError]
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


async def test_every_error_of_the_platform_is_documented_somewhere(
    app: RustokApp, settings: Settings
) -> None:
    document = build_document(app.litestar, settings)
    documented = {
        code
        for item in document["paths"].values()
        for operation in item.values()
        for response in operation["responses"].values()
        for code in response.get("x-problem-codes", [])
    }
    codes = {cls.code for cls in _error_classes() if cls.__module__.startswith("rustok.")}
    assert codes - documented - set(NOT_ANSWERED_OVER_REST) == set()
    assert len(documented) > 60
